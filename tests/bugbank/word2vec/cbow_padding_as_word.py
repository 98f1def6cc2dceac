"""The padding -1 is used as a word id: W_in[-1] (the last word's row) enters the mean of every
window that runs past an end of the sequence, and receives its share of the update."""

FAILS = {"cbow_update/values", "cbow_update/repeated_indices", "cbow_update/vs_reference"}
MAY_FAIL = {"cbow_update/planted_topics"}
HINTS = {"cbow_update/values": "-1 marks padding"}

import numpy as np


def cbow_update(W_in, W_out, contexts, centers, negatives, lr):
    B, C = contexts.shape
    h = W_in[contexts].mean(axis=1)
    out_ids = np.concatenate([centers[:, None], negatives], axis=1)
    u = W_out[out_ids]
    sign = np.r_[-1.0, np.ones(negatives.shape[1])]
    s = sign * np.einsum("bjd,bd->bj", u, h)
    losses = np.logaddexp(0, s).sum(axis=1)
    coef = sign / (1 + np.exp(-s))
    dh = np.einsum("bj,bjd->bd", coef, u)
    np.add.at(W_out, out_ids, -lr * coef[:, :, None] * h[:, None, :])
    np.add.at(W_in, contexts, -lr * np.repeat(dh[:, None, :] / C, C, axis=1))
    return losses
