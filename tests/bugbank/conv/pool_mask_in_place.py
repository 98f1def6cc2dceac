"""Builds each window's mask in place on a view of the cached x (window[window != m] = 0,
window[window == m] = 1): later overlapping windows see the damage, and so does the caller."""
FAILS = {"max_pool_backward/overlapping_windows", "max_pool_backward/ties", "max_pool_backward/inputs_untouched",
         "max_pool_backward/vs_reference"}

import numpy as np


def max_pool_forward(x, pool_size=2, stride=2):
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - pool_size) // stride, 1 + (W - pool_size) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + pool_size, j * stride:j * stride + pool_size].max(axis=(2, 3))
    return out, (x, pool_size, stride)


def max_pool_backward(dout, cache):
    x, k, s = cache
    N, C, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * s:i * s + k, j * s:j * s + k]
                    first = np.argmax(window)
                    window[...] = 0
                    window.flat[first] = 1
                    dx[n, c, i * s:i * s + k, j * s:j * s + k] += window * dout[n, c, i, j]
    return dx
