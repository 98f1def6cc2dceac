"""The shortcut's gradient skips the last ReLU: dx adds dout itself instead of the gated gradient
dout * (out > 0) that the convolutions receive."""
FAILS = {"residual_backward/values", "residual_backward/zero_branch_passes_gradient",
         "residual_backward/numeric_gradient", "residual_backward/vs_reference"}
MAY_FAIL = {"residual_backward/digits_resnet"}  # dx only trains the grader's stem
HINTS = {"residual_backward/values": "through the last ReLU too",
         "residual_backward/zero_branch_passes_gradient": "through the last ReLU too"}

import numpy as np


def residual_backward(dout, cache):
    conv1, h, conv2, out = cache
    dh, dw2, db2 = conv_backward(dout * (out > 0), conv2)
    dx, dw1, db1 = conv_backward(dh * (h > 0), conv1)
    return dx + dout, dw1, db1, dw2, db2
