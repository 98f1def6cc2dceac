"""Loops over the images and writes `dw = ...` and `db = ...` instead of adding: only the last
image's contribution survives."""
FAILS = {"conv_backward/values", "conv_backward/numeric_gradient", "conv_backward/vs_reference",
         "max_pool_backward/digits_convnet", "max_pool_backward/digits_convnet_vs_reference"}
HINTS = {"conv_backward/values": "last image"}

import numpy as np

_reference_backward = conv_backward


def conv_backward(dout, cache):
    dx, dw, db = _reference_backward(dout, cache)
    x_shape, xp_shape, w, cols, stride, pad = cache
    N = dout.shape[0]
    per_image = cols.reshape(N, -1, cols.shape[1])
    for n in range(N):
        rows = dout[n].reshape(dout.shape[1], -1)
        dw = (rows @ per_image[n]).reshape(w.shape)
        db = rows.sum(axis=1)
    return dx, dw, db
