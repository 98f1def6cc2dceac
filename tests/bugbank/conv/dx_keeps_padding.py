"""Returns the gradient of the padded input: dx is (N, C, H + 2*pad, W + 2*pad)."""
FAILS = {"conv_backward/values", "conv_backward/numeric_gradient", "conv_backward/inputs_untouched",
         "conv_backward/vs_reference"}  # the digits network's first layer needs no dx
HINTS = {"conv_backward/values": "still has the padding"}

import numpy as np

_reference_backward = conv_backward


def conv_backward(dout, cache):
    x_shape, xp_shape, w, cols, stride, pad = cache
    return _reference_backward(dout, (xp_shape, xp_shape, w, cols, stride, 0))
