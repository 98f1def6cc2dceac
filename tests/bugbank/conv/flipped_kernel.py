"""True convolution: the kernel is rotated by 180 degrees in the forward pass (and the backward
pass is consistent with it, so the numeric check of its own forward passes)."""
# the residual block calls this conv: it inherits the bug
FAILS = {"conv_backward/values", "conv_backward/vs_reference", "conv_forward/values",
         "max_pool_backward/digits_convnet", "max_pool_backward/digits_convnet_vs_reference",
         "residual_backward/digits_resnet", "residual_backward/values", "residual_backward/vs_reference",
         "residual_forward/values"}
HINTS = {"conv_forward/values": "the kernel is flipped"}
FIX_FIRST = {"residual_forward/values": "conv_forward/values"}  # the block calls the flipped conv_forward

import numpy as np

_reference_forward, _reference_backward = conv_forward, conv_backward


def conv_forward(x, w, b, stride=1, pad=0):
    return _reference_forward(x, w[:, :, ::-1, ::-1], b, stride, pad)


def conv_backward(dout, cache):
    dx, dw, db = _reference_backward(dout, cache)
    return dx, dw[:, :, ::-1, ::-1], db
