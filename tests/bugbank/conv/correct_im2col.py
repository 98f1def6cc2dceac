"""Correct, im2col with explicit index arrays (CS231n's fast layers): the windows gathered into
columns by fancy indexing, col2im by np.add.at; pooling through the same columns."""
FAILS = set()

import numpy as np


def im2col_indices(C, H, W, HH, WW, stride):
    H_out, W_out = 1 + (H - HH) // stride, 1 + (W - WW) // stride
    i0 = np.tile(np.repeat(np.arange(HH), WW), C)
    i1 = stride * np.repeat(np.arange(H_out), W_out)
    j0 = np.tile(np.arange(WW), HH * C)
    j1 = stride * np.tile(np.arange(W_out), H_out)
    rows = i0.reshape(-1, 1) + i1.reshape(1, -1)
    cols = j0.reshape(-1, 1) + j1.reshape(1, -1)
    chans = np.repeat(np.arange(C), HH * WW).reshape(-1, 1)
    return chans, rows, cols, H_out, W_out


def conv_forward(x, w, b, stride=1, pad=0):
    if stride < 1:
        raise ValueError("stride must be >= 1")
    if pad < 0:
        raise ValueError("pad must be >= 0")
    N, C, H, W = x.shape
    F, Cw, HH, WW = w.shape
    if Cw != C:
        raise ValueError("channels of x and w differ")
    if H + 2 * pad < HH or W + 2 * pad < WW:
        raise ValueError("filter does not fit")
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    k, i, j, H_out, W_out = im2col_indices(C, H + 2 * pad, W + 2 * pad, HH, WW, stride)
    cols = xp[:, k, i, j]  # (N, C*HH*WW, H_out*W_out)
    out = np.einsum("fk,nkp->nfp", w.reshape(F, -1), cols) + b[None, :, None]
    cache = (x.shape, xp.shape, w, cols, (k, i, j), pad)
    return out.reshape(N, F, H_out, W_out), cache


def conv_backward(dout, cache):
    x_shape, xp_shape, w, cols, (k, i, j), pad = cache
    N, F = dout.shape[:2]
    d = dout.reshape(N, F, -1)
    db = d.sum(axis=(0, 2))
    dw = np.einsum("nfp,nkp->fk", d, cols).reshape(w.shape)
    dcols = np.einsum("fk,nfp->nkp", w.reshape(F, -1), d)
    dxp = np.zeros(xp_shape)
    np.add.at(dxp, (slice(None), k, i, j), dcols)
    H, W = x_shape[2:]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, db


def max_pool_forward(x, pool_size=2, stride=2):
    N, C, H, W = x.shape
    k, i, j, H_out, W_out = im2col_indices(1, H, W, pool_size, pool_size, stride)
    cols = x[:, :, i, j]  # (N, C, pool_size**2, H_out*W_out)
    where = np.argmax(cols, axis=2)
    out = np.take_along_axis(cols, where[:, :, None, :], axis=2)[:, :, 0, :]
    return out.reshape(N, C, H_out, W_out), (x.shape, where, i, j)


def max_pool_backward(dout, cache):
    x_shape, where, i, j = cache
    N, C = x_shape[:2]
    positions = np.arange(where.shape[-1])
    dx = np.zeros(x_shape)
    n, c, p = np.meshgrid(np.arange(N), np.arange(C), positions, indexing="ij")
    np.add.at(dx, (n, c, i[where, p], j[where, p]), dout.reshape(N, C, -1))
    return dx
