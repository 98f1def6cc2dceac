"""Computes the output size with the stride but reads window (i, j) at x[i:i+HH, j:j+WW], as if
the stride were 1."""
FAILS = {"conv_forward/values", "conv_backward/values", "conv_backward/vs_reference"}
HINTS = {"conv_forward/values": "the stride is missing from the window's position"}

import numpy as np


def conv_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    if stride < 1 or pad < 0 or C != w.shape[1]:
        raise ValueError("bad geometry")
    H_out, W_out = 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride
    if H_out < 1 or W_out < 1:
        raise ValueError("filter too large")
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = np.tensordot(xp[:, :, i:i + HH, j:j + WW], w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (xp, w, pad, x.shape)


def conv_backward(dout, cache):
    xp, w, pad, shape = cache
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    _, _, HH, WW = w.shape
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dw += np.tensordot(dout[:, :, i, j], xp[:, :, i:i + HH, j:j + WW], axes=([0], [0]))
            dxp[:, :, i:i + HH, j:j + WW] += np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    return dxp[:, :, pad:pad + shape[2], pad:pad + shape[3]], dw, dout.sum(axis=(0, 2, 3))
