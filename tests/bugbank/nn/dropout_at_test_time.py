"""Ignores the train flag: drops units at test time too."""
FAILS = {"dropout_forward/test_mode", "dropout_backward/values"}
HINTS = {"dropout_forward/test_mode": "at test time"}


def dropout_forward(x, p, train, rng):
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask
