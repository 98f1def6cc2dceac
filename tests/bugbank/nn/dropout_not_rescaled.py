"""Drops units but does not rescale the kept ones (not inverted dropout)."""
FAILS = {"dropout_forward/scaling", "dropout_backward/values", "dropout_forward/edge_probabilities"}
HINTS = {"dropout_forward/scaling": "not rescaled", "dropout_backward/values": "divide by 1 - p"}


def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), None
    mask = rng.random(x.shape) >= p
    return x * mask, mask


def dropout_backward(dout, cache):
    return dout.copy() if cache is None else dout * cache
