"""The classic: the update written with fancy indexing, W[idx] -= g. When idx repeats, NumPy
keeps only one of the updates of that row."""

FAILS = {"sgns_update/repeated_indices", "sgns_update/vs_reference", "sgns_update/planted_topics",
         "sgns_update/planted_topics_vs_reference"}
HINTS = {"sgns_update/repeated_indices": "np.add.at"}

import numpy as np


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    v = W_in[centers]
    u_o = W_out[contexts]
    u_neg = W_out[negatives]
    s_o = np.sum(u_o * v, axis=1)
    s_neg = np.einsum("bkd,bd->bk", u_neg, v)
    losses = np.logaddexp(0, -s_o) + np.logaddexp(0, s_neg).sum(axis=1)
    g_o = -1 / (1 + np.exp(s_o))
    g_neg = 1 / (1 + np.exp(-s_neg))
    grad_v = g_o[:, None] * u_o + np.einsum("bk,bkd->bd", g_neg, u_neg)
    W_out[contexts] -= lr * g_o[:, None] * v
    W_out[negatives] -= lr * g_neg[:, :, None] * v[:, None, :]
    W_in[centers] -= lr * grad_v
    return losses
