"""The last ReLU is applied to the second convolution only, and x is added after it:
out = relu(conv2(h)) + x. The backward pass is consistent with that forward pass, so the numeric
check of the student's own forward passes."""
FAILS = {"residual_forward/values", "residual_forward/zero_branch_is_relu", "residual_backward/values",
         "residual_backward/zero_branch_passes_gradient", "residual_backward/vs_reference",
         "residual_backward/digits_resnet"}
HINTS = {"residual_forward/values": "the last ReLU comes after the shortcut is added",
         "residual_forward/zero_branch_is_relu": "the last ReLU comes after the shortcut is added"}

import numpy as np


def residual_forward(x, w1, b1, w2, b2):
    k = w1.shape[2]
    if k % 2 == 0 or w1.shape[:2] != (x.shape[1], x.shape[1]) or w2.shape != w1.shape:
        raise ValueError("bad weights")
    z1, cache1 = conv_forward(x, w1, b1, 1, k // 2)
    h = np.maximum(z1, 0)
    z2, cache2 = conv_forward(h, w2, b2, 1, k // 2)
    return np.maximum(z2, 0) + x, (cache1, h, cache2, z2)


def residual_backward(dout, cache):
    cache1, h, cache2, z2 = cache
    dh, dw2, db2 = conv_backward(dout * (z2 > 0), cache2)
    dx, dw1, db1 = conv_backward(dh * (h > 0), cache1)
    return dx + dout, dw1, db1, dw2, db2
