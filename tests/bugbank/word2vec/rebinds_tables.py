"""W_in = W_in - ...: new arrays that the caller never sees (the losses are right)."""

FAILS = {"sgns_update/values", "sgns_update/repeated_indices", "sgns_update/in_place", "sgns_update/planted_topics",
         "sgns_update/vs_reference", "sgns_update/planted_topics_vs_reference"}

import numpy as np


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    out_ids = np.concatenate([contexts[:, None], negatives], axis=1)
    v, u = W_in[centers], W_out[out_ids]
    sign = np.r_[-1.0, np.ones(negatives.shape[1])]
    s = sign * np.einsum("bjd,bd->bj", u, v)
    losses = np.logaddexp(0, s).sum(axis=1)
    coef = sign / (1 + np.exp(-s))
    grad_in, grad_out = np.zeros_like(W_in), np.zeros_like(W_out)
    np.add.at(grad_out, out_ids, coef[:, :, None] * v[:, None, :])
    np.add.at(grad_in, centers, np.einsum("bj,bjd->bd", coef, u))
    W_in = W_in - lr * grad_in
    W_out = W_out - lr * grad_out
    return losses
