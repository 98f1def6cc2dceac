"""W_in is updated before W_out's gradient is computed, which then uses the new centre vectors."""

FAILS = {"sgns_update/values", "sgns_update/repeated_indices", "sgns_update/vs_reference",
         "sgns_update/planted_topics", "sgns_update/planted_topics_vs_reference"}
HINTS = {"sgns_update/values": "before the step", "sgns_update/repeated_indices": "before the step"}

import numpy as np


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    out_ids = np.concatenate([contexts[:, None], negatives], axis=1)
    u = W_out[out_ids]
    s = np.einsum("bjd,bd->bj", u, W_in[centers])
    sign = np.ones_like(s)
    sign[:, 0] = -1
    losses = np.logaddexp(0, sign * s).sum(axis=1)
    coef = sign / (1 + np.exp(-sign * s))
    np.add.at(W_in, centers, -lr * np.einsum("bj,bjd->bd", coef, u))
    v = W_in[centers]  # already updated
    np.add.at(W_out, out_ids, -lr * coef[:, :, None] * v[:, None, :])
    return losses
