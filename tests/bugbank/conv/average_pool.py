"""Average pooling instead of max pooling."""
FAILS = {"max_pool_forward/values", "max_pool_backward/values", "max_pool_backward/overlapping_windows",
         "max_pool_backward/ties", "max_pool_backward/vs_reference", "max_pool_backward/digits_convnet",
         "max_pool_backward/digits_convnet_vs_reference"}

import numpy as np


def max_pool_forward(x, pool_size=2, stride=2):
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - pool_size) // stride, 1 + (W - pool_size) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + pool_size, j * stride:j * stride + pool_size].mean(axis=(2, 3))
    return out, (x.shape, pool_size, stride)


def max_pool_backward(dout, cache):
    shape, k, s = cache
    dx = np.zeros(shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s:i * s + k, j * s:j * s + k] += dout[:, :, i, j][:, :, None, None] / (k * k)
    return dx
