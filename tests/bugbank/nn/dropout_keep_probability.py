"""Reads p as the probability of keeping a unit."""
FAILS = {"dropout_forward/drop_fraction", "dropout_forward/scaling", "dropout_backward/values",
         "dropout_forward/edge_probabilities"}
HINTS = {"dropout_forward/drop_fraction": "not of keeping it"}


def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), None
    mask = (rng.random(x.shape) < p) / p
    return x * mask, mask
