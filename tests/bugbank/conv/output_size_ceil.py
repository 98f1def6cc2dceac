"""Rounds the output size up, keeping a last window that hangs over the edge (padded with zeros)."""
FAILS = {"conv_forward/shapes", "conv_forward/invalid_geometry", "conv_forward/values", "conv_backward/values",
         "conv_backward/vs_reference"}
HINTS = {"conv_forward/shapes": "floors"}

import numpy as np

_reference_forward, _reference_backward = conv_forward, conv_backward


def conv_forward(x, w, b, stride=1, pad=0):
    H, W = x.shape[2:]
    HH, WW = w.shape[2:]
    extra_h = -(H + 2 * pad - HH) % stride
    extra_w = -(W + 2 * pad - WW) % stride
    grown = np.pad(x, ((0, 0), (0, 0), (0, extra_h), (0, extra_w)))
    out, cache = _reference_forward(grown, w, b, stride, pad)
    return out, (cache, x.shape)


def conv_backward(dout, cache):
    inner, shape = cache
    dx, dw, db = _reference_backward(dout, inner)
    return dx[:, :, :shape[2], :shape[3]], dw, db
