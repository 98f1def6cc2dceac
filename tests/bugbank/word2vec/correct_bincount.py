"""Correct: the scatter-add with np.bincount, one column of the embedding at a time; the
sigmoid via np.tanh."""

FAILS = set()

import numpy as np


def sgns_loss(v_c, u_o, u_neg):
    s = np.r_[-(u_o @ v_c), u_neg @ v_c]
    loss = np.sum(np.maximum(s, 0) + np.log1p(np.exp(-np.abs(s))))
    slope = 0.5 * (1 + np.tanh(s / 2))  # sigmoid(s)
    slope[0] = -slope[0]
    return float(loss), slope[0] * u_o + slope[1:] @ u_neg, slope[0] * v_c, np.outer(slope[1:], v_c)


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    V, d = W_out.shape
    out_ids = np.column_stack([contexts, negatives])
    v, u = W_in[centers], W_out[out_ids]
    s = np.einsum("bjd,bd->bj", u, v)
    s[:, 0] *= -1
    losses = (np.maximum(s, 0) + np.log1p(np.exp(-np.abs(s)))).sum(axis=1)
    slope = 0.5 * (1 + np.tanh(s / 2))
    slope[:, 0] *= -1
    grad_v = np.einsum("bj,bjd->bd", slope, u)
    grad_u = slope[:, :, None] * v[:, None, :]
    for j in range(d):
        W_out[:, j] -= lr * np.bincount(out_ids.ravel(), weights=grad_u[:, :, j].ravel(), minlength=V)
        W_in[:, j] -= lr * np.bincount(centers, weights=grad_v[:, j], minlength=len(W_in))
    return losses
