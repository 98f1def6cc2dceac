"""Routes each window's gradient with the mask (window == max): with ties, every tied position
gets the whole gradient."""
FAILS = {"max_pool_backward/ties", "max_pool_backward/vs_reference"}
# training ends 0.02 below PyTorch's accuracy here: near the margin, so machine-dependent
MAY_FAIL = {"max_pool_backward/digits_convnet", "max_pool_backward/digits_convnet_vs_reference"}
HINTS = {"max_pool_backward/ties": "not every position equal"}

import numpy as np


def max_pool_forward(x, pool_size=2, stride=2):
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - pool_size) // stride, 1 + (W - pool_size) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + pool_size, j * stride:j * stride + pool_size].max(axis=(2, 3))
    return out, (x, out, pool_size, stride)


def max_pool_backward(dout, cache):
    x, out, k, s = cache
    dx = np.zeros_like(x)
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            window = x[:, :, i * s:i * s + k, j * s:j * s + k]
            mask = window == out[:, :, i, j][:, :, None, None]
            dx[:, :, i * s:i * s + k, j * s:j * s + k] += mask * dout[:, :, i, j][:, :, None, None]
    return dx
