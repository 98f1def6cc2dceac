"""Computes dx as a full convolution with the kernel rotated in place (w[...] = w[..., ::-1, ::-1]),
which rotates the cached w (the caller's w): a second backward with the same cache is wrong."""
# the residual block calls this conv: it inherits the bug
FAILS = {"conv_backward/inputs_untouched", "residual_backward/inputs_untouched"}

import numpy as np

_reference_backward = conv_backward


def conv_backward(dout, cache):
    dx, dw, db = _reference_backward(dout, cache)
    w = cache[2]
    w[...] = w[:, :, ::-1, ::-1].copy()  # "flip once, reuse": the cache now holds the rotated kernel
    return dx, dw, db
