"""CBOW with the negatives' vectors stacked one column at a time (np.stack over range(K)): right
for every K >= 1, and an error for a batch with no negatives (K = 0), which the notebook's CBOW
with the hierarchical softmax passes to cbow_update."""

FAILS = {"cbow_update/values"}

import numpy as np


def cbow_update(W_in, W_out, contexts, centers, negatives, lr):
    B, K = negatives.shape
    valid = contexts >= 0
    counts = valid.sum(axis=1, keepdims=True)
    ids = np.where(valid, contexts, 0)
    h = (W_in[ids] * valid[:, :, None]).sum(axis=1) / counts
    u_centre = W_out[centers]
    u_negatives = np.stack([W_out[negatives[:, k]] for k in range(K)], axis=1)  # (B, K, d)
    s_centre = np.einsum("bd,bd->b", u_centre, h)
    s_negatives = np.einsum("bkd,bd->bk", u_negatives, h)
    losses = np.logaddexp(0, -s_centre) + np.logaddexp(0, s_negatives).sum(axis=1)
    g_centre = -1 / (1 + np.exp(s_centre))  # d loss / d s_centre
    g_negatives = 1 / (1 + np.exp(-s_negatives))
    dh = g_centre[:, None] * u_centre + np.einsum("bk,bkd->bd", g_negatives, u_negatives)
    np.add.at(W_out, centers, -lr * g_centre[:, None] * h)
    np.add.at(W_out, negatives, -lr * g_negatives[:, :, None] * h[:, None, :])
    share = (dh / counts)[:, None, :] * valid[:, :, None]
    np.add.at(W_in, ids, -lr * share)
    return losses
