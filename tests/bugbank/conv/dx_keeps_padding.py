"""Returns the gradient of the padded input: dx is (N, C, H + 2*pad, W + 2*pad)."""
# the residual block calls this conv: it inherits the bug
FAILS = {"conv_backward/inputs_untouched", "conv_backward/numeric_gradient", "conv_backward/values",
         "conv_backward/vs_reference", "residual_backward/digits_resnet", "residual_backward/inputs_untouched",
         "residual_backward/numeric_gradient", "residual_backward/values", "residual_backward/vs_reference",
         "residual_backward/zero_branch_passes_gradient"}
HINTS = {"conv_backward/values": "still has the padding"}

import numpy as np

_reference_forward = conv_forward


def conv_forward(x, w, b, stride=1, pad=0):
    if pad < 0:
        raise ValueError("pad must be >= 0")
    x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return _reference_forward(x_padded, w, b, stride, 0)  # its cache knows only the padded x
