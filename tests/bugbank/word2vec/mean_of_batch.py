"""The gradient of the batch's mean loss instead of its sum (the step is B times too small)."""

FAILS = {"sgns_update/values", "sgns_update/repeated_indices", "sgns_update/vs_reference",
         "sgns_update/planted_topics", "sgns_update/planted_topics_vs_reference"}

import numpy as np


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    B = len(centers)
    out_ids = np.concatenate([contexts[:, None], negatives], axis=1)
    v, u = W_in[centers], W_out[out_ids]
    sign = np.r_[-1.0, np.ones(negatives.shape[1])]
    s = sign * np.einsum("bjd,bd->bj", u, v)
    losses = np.logaddexp(0, s).sum(axis=1)
    coef = sign / (1 + np.exp(-s)) / B
    np.add.at(W_out, out_ids, -lr * coef[:, :, None] * v[:, None, :])
    np.add.at(W_in, centers, -lr * np.einsum("bj,bjd->bd", coef, u))
    return losses
