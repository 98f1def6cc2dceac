"""Keeps only p in the cache and scales the whole gradient, ignoring which units were kept."""
FAILS = {"dropout_backward/values"}
HINTS = {"dropout_backward/values": "keep the forward's mask"}


def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), None
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, p


def dropout_backward(dout, cache):
    return dout.copy() if cache is None else dout / (1 - cache)
