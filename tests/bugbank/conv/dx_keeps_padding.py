"""Returns the gradient of the padded input: dx is (N, C, H + 2*pad, W + 2*pad)."""
FAILS = {"conv_backward/values", "conv_backward/numeric_gradient", "conv_backward/inputs_untouched",
         "conv_backward/vs_reference"}  # the digits network's first layer needs no dx
HINTS = {"conv_backward/values": "still has the padding"}

import numpy as np

_reference_forward = conv_forward


def conv_forward(x, w, b, stride=1, pad=0):
    if pad < 0:
        raise ValueError("pad must be >= 0")
    x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return _reference_forward(x_padded, w, b, stride, 0)  # its cache knows only the padded x
