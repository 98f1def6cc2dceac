"""CBOW's negatives enter as -log sigmoid(u_k . h): the sign inside the sigmoid is lost, and
training pulls the negatives towards the context as hard as the true centre."""

FAILS = {"cbow_update/values", "cbow_update/repeated_indices", "cbow_update/vs_reference",
         "cbow_update/planted_topics"}
HINTS = {"cbow_update/values": "minus sign inside the sigmoid"}

import numpy as np


def cbow_update(W_in, W_out, contexts, centers, negatives, lr):
    valid = contexts >= 0
    counts = valid.sum(axis=1, keepdims=True)
    h = (W_in[np.where(valid, contexts, 0)] * valid[:, :, None]).sum(axis=1) / counts
    out_ids = np.concatenate([centers[:, None], negatives], axis=1)
    u = W_out[out_ids]
    s = -np.einsum("bjd,bd->bj", u, h)
    losses = np.logaddexp(0, s).sum(axis=1)
    coef = -1 / (1 + np.exp(-s))
    dh = np.einsum("bj,bjd->bd", coef, u) / counts
    np.add.at(W_out, out_ids, -lr * coef[:, :, None] * h[:, None, :])
    np.add.at(W_in, contexts[valid], -lr * np.broadcast_to(dh[:, None, :], (*contexts.shape, h.shape[1]))[valid])
    return losses
