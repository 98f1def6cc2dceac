"""Correct, CS231n style: loops over the output positions (vectorised over images and filters),
dict caches, and a max pool that loops over windows and adds with +=."""
FAILS = set()

import numpy as np


def conv_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, C2, HH, WW = w.shape
    if stride < 1 or pad < 0 or C != C2:
        raise ValueError("bad stride, pad or channels")
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    if H_out < 1 or W_out < 1:
        raise ValueError("filter larger than the padded input")
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, {"xp": xp, "w": w, "stride": stride, "pad": pad, "x_shape": x.shape}


def conv_backward(dout, cache):
    xp, w, stride, pad = cache["xp"], cache["w"], cache["stride"], cache["pad"]
    N, F, H_out, W_out = dout.shape
    _, _, HH, WW = w.shape
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = dout.sum(axis=(0, 2, 3))
    for i in range(H_out):
        for j in range(W_out):
            rows, cols = slice(i * stride, i * stride + HH), slice(j * stride, j * stride + WW)
            dw += np.tensordot(dout[:, :, i, j], xp[:, :, rows, cols], axes=([0], [0]))
            dxp[:, :, rows, cols] += np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    H, W = cache["x_shape"][2:]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, db


def max_pool_forward(x, pool_size=2, stride=2):
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - pool_size) // stride, 1 + (W - pool_size) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + pool_size, j * stride:j * stride + pool_size].max(axis=(2, 3))
    return out, {"x": x, "pool_size": pool_size, "stride": stride}


def max_pool_backward(dout, cache):
    x, k, s = cache["x"], cache["pool_size"], cache["stride"]
    N, C, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    n, c = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * s:i * s + k, j * s:j * s + k].reshape(N, C, -1)
            di, dj = np.unravel_index(np.argmax(window, axis=2), (k, k))
            dx[n, c, i * s + di, j * s + dj] += dout[:, :, i, j]
    return dx
