"""Pads 2*pad zeros after the image (bottom and right) instead of pad on every side: the shape
is right, the values shifted."""
# the residual block calls this conv: it inherits the bug
FAILS = {"conv_backward/values", "conv_backward/vs_reference", "conv_forward/values",
         "max_pool_backward/digits_convnet", "max_pool_backward/digits_convnet_vs_reference",
         "residual_backward/digits_resnet", "residual_backward/values", "residual_backward/vs_reference",
         "residual_forward/values"}
HINTS = {"conv_forward/values": "padded on one side only"}

import numpy as np

_reference_forward, _reference_backward = conv_forward, conv_backward


def conv_forward(x, w, b, stride=1, pad=0):
    shifted = np.pad(x, ((0, 0), (0, 0), (0, 2 * pad), (0, 2 * pad)))
    out, cache = _reference_forward(shifted, w, b, stride, 0)
    return out, (cache, x.shape)


def conv_backward(dout, cache):
    inner, shape = cache
    dx, dw, db = _reference_backward(dout, inner)
    return dx[:, :, :shape[2], :shape[3]], dw, db
