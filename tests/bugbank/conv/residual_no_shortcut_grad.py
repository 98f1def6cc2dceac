"""The residual block's backward pass follows the convolutions only: dx lacks the gradient that
comes back along the shortcut (the forward pass is right)."""
FAILS = {"residual_backward/values", "residual_backward/zero_branch_passes_gradient",
         "residual_backward/numeric_gradient", "residual_backward/vs_reference"}
MAY_FAIL = {"residual_backward/digits_resnet"}  # dx only trains the grader's stem
HINTS = {"residual_backward/values": "lacks the shortcut's gradient",
         "residual_backward/zero_branch_passes_gradient": "lacks the shortcut's gradient"}

import numpy as np


def residual_backward(dout, cache):
    conv1, h, conv2, out = cache
    dz2 = dout * (out > 0)
    dh, dw2, db2 = conv_backward(dz2, conv2)
    dx, dw1, db1 = conv_backward(dh * (h > 0), conv1)
    return dx, dw1, db1, dw2, db2
