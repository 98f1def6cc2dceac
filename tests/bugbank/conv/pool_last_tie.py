"""Finds each window's maximum with `>=` while scanning, so ties go to the last maximum."""
FAILS = {"max_pool_backward/ties", "max_pool_backward/vs_reference"}
HINTS = {"max_pool_backward/ties": "not the last"}

import numpy as np


def max_pool_forward(x, pool_size=2, stride=2):
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - pool_size) // stride, 1 + (W - pool_size) // stride
    out = np.full((N, C, H_out, W_out), -np.inf)
    where = np.zeros((N, C, H_out, W_out, 2), dtype=int)
    for i in range(H_out):
        for j in range(W_out):
            for di in range(pool_size):
                for dj in range(pool_size):
                    value = x[:, :, i * stride + di, j * stride + dj]
                    better = value >= out[:, :, i, j]
                    out[:, :, i, j] = np.where(better, value, out[:, :, i, j])
                    where[:, :, i, j][better] = (i * stride + di, j * stride + dj)
    return out, (x.shape, where)


def max_pool_backward(dout, cache):
    shape, where = cache
    dx = np.zeros(shape)
    n, c, i, j = np.indices(dout.shape)
    np.add.at(dx, (n, c, where[..., 0], where[..., 1]), dout)
    return dx
