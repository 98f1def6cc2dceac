"""CBOW's update written with fancy indexing: W_in[contexts] -= ..., W_out[ids] -= ... keep one
update of a repeated row (a word twice in a window, a centre in several windows)."""

FAILS = {"cbow_update/repeated_indices", "cbow_update/vs_reference"}
MAY_FAIL = {"cbow_update/planted_topics"}
HINTS = {"cbow_update/repeated_indices": "np.add.at"}

import numpy as np


def cbow_update(W_in, W_out, contexts, centers, negatives, lr):
    valid = contexts >= 0
    counts = valid.sum(axis=1, keepdims=True)
    h = (W_in[np.where(valid, contexts, 0)] * valid[:, :, None]).sum(axis=1) / counts
    out_ids = np.concatenate([centers[:, None], negatives], axis=1)
    u = W_out[out_ids]
    sign = np.r_[-1.0, np.ones(negatives.shape[1])]
    s = sign * np.einsum("bjd,bd->bj", u, h)
    losses = np.logaddexp(0, s).sum(axis=1)
    coef = sign / (1 + np.exp(-s))
    dh = np.einsum("bj,bjd->bd", coef, u) / counts
    W_out[out_ids] -= lr * coef[:, :, None] * h[:, None, :]
    rows, cols = np.nonzero(valid)
    W_in[contexts[rows, cols]] -= lr * dh[rows]
    return losses
