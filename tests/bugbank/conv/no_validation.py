"""Loops with no checks of its arguments: a filter larger than the padded input gives an empty
output instead of a ValueError."""
FAILS = {"conv_forward/invalid_geometry"}

import numpy as np

_reference_backward = conv_backward


def conv_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, max(H_out, 0), max(W_out, 0)))
    cols = np.zeros((N, max(H_out, 0), max(W_out, 0), C * HH * WW))
    for i in range(H_out):
        for j in range(W_out):
            window = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            cols[:, i, j] = window.reshape(N, -1)
            out[:, :, i, j] = window.reshape(N, -1) @ w.reshape(F, -1).T + b
    return out, (x.shape, xp.shape, w, cols.reshape(-1, C * HH * WW), stride, pad)
