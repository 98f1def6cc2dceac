"""The public CS231n bug: max-pool backward writes dx[...] = dout instead of adding, so where
windows overlap the last window's gradient overwrites the others. Invisible with 2x2 windows at
stride 2."""
FAILS = {"max_pool_backward/overlapping_windows", "max_pool_backward/ties", "max_pool_backward/vs_reference"}
HINTS = {"max_pool_backward/overlapping_windows": "do not overwrite them", "max_pool_backward/ties": "do not overwrite them"}

import numpy as np


def max_pool_forward(x, pool_size=2, stride=2):
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - pool_size) // stride, 1 + (W - pool_size) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = np.max(x[:, :, i * stride:i * stride + pool_size, j * stride:j * stride + pool_size],
                                     axis=(2, 3))
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
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + a, j * s + b] = dout[n, c, i, j]
    return dx
