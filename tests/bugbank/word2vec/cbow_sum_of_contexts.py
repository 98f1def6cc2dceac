"""CBOW's h is the sum of the context vectors, not their mean (gensim's cbow_mean=0, where the
contract says cbow_mean=1)."""

FAILS = {"cbow_update/values", "cbow_update/repeated_indices", "cbow_update/vs_reference"}
MAY_FAIL = {"cbow_update/planted_topics"}
HINTS = {"cbow_update/values": "mean of the context words' vectors"}

import numpy as np


def cbow_update(W_in, W_out, contexts, centers, negatives, lr):
    valid = contexts >= 0
    safe = np.where(valid, contexts, 0)
    h = (W_in[safe] * valid[:, :, None]).sum(axis=1)
    out_ids = np.concatenate([centers[:, None], negatives], axis=1)
    u = W_out[out_ids]
    sign = np.r_[-1.0, np.ones(negatives.shape[1])]
    s = sign * np.einsum("bjd,bd->bj", u, h)
    losses = np.logaddexp(0, s).sum(axis=1)
    coef = sign / (1 + np.exp(-s))
    dh = np.einsum("bj,bjd->bd", coef, u)
    np.add.at(W_out, out_ids, -lr * coef[:, :, None] * h[:, None, :])
    np.add.at(W_in, contexts[valid], -lr * np.broadcast_to(dh[:, None, :], (*contexts.shape, h.shape[1]))[valid])
    return losses
