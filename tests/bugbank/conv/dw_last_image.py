"""Loops over the images and writes `dw = ...` and `db = ...` instead of adding: only the last
image's contribution survives."""
# the residual block calls this conv: it inherits the bug
FAILS = {"conv_backward/numeric_gradient", "conv_backward/values", "conv_backward/vs_reference",
         "residual_backward/numeric_gradient", "residual_backward/values", "residual_backward/vs_reference"}
# dw from one image of 16 still trains: as accurate as PyTorch on one split, 0.024 below on the other
MAY_FAIL = {"max_pool_backward/digits_convnet", "max_pool_backward/digits_convnet_vs_reference",
            "residual_backward/digits_resnet"}
HINTS = {"conv_backward/values": "last image"}

import numpy as np

_reference_backward = conv_backward


def conv_backward(dout, cache):
    dx, _, _ = _reference_backward(dout, cache)
    for n in range(dout.shape[0]):
        only_n = np.zeros_like(dout)
        only_n[n] = dout[n]
        _, dw, db = _reference_backward(only_n, cache)  # this image's share... overwriting the others'
    return dx, dw, db
