"""col2im adds each window's gradient back at stride 1 (dxp[:, :, di:di+H', dj:dj+W'])."""
FAILS = {"conv_backward/values", "conv_backward/numeric_gradient", "conv_backward/vs_reference"}

import numpy as np


def conv_backward(dout, cache):
    x_shape, xp_shape, w, cols, stride, pad = cache
    N, F, H_out, W_out = dout.shape
    _, C, HH, WW = w.shape
    rows = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    dcols = (rows @ w.reshape(F, -1)).reshape(N, H_out, W_out, C, HH, WW)
    dxp = np.zeros(xp_shape)
    for di in range(HH):
        for dj in range(WW):
            dxp[:, :, di:di + H_out, dj:dj + W_out] += dcols[:, :, :, :, di, dj].transpose(0, 3, 1, 2)
    H, W = x_shape[2:]
    return dxp[:, :, pad:pad + H, pad:pad + W], (rows.T @ cols).reshape(w.shape), dout.sum(axis=(0, 2, 3))
