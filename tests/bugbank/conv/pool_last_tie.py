"""Finds the maximum with `window >= best` while scanning, so ties go to the last maximum."""
FAILS = {"max_pool_backward/ties", "max_pool_backward/vs_reference"}
HINTS = {"max_pool_backward/ties": "not the last"}

import numpy as np

_reference_forward = max_pool_forward


def max_pool_forward(x, pool_size=2, stride=2):
    out, (shape, argmax) = _reference_forward(x, pool_size, stride)
    N, C, H, W = x.shape
    H_out, W_out = out.shape[2:]
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * stride:i * stride + pool_size, j * stride:j * stride + pool_size].reshape(N, C, -1)
            last = window.shape[2] - 1 - np.argmax(window[:, :, ::-1], axis=2)
            di, dj = np.divmod(last, pool_size)
            argmax[:, :, i, j] = np.arange(N * C).reshape(N, C) * H * W + (i * stride + di) * W + j * stride + dj
    return out, (shape, argmax)
