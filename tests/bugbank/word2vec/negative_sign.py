"""The negatives' term written as -log sigmoid(u_k . v_c): the sign inside the sigmoid is lost."""

FAILS = {"sgns_loss/values", "sgns_loss/large_dot_products", "sgns_loss/vs_reference", "sgns_update/values",
         "sgns_update/repeated_indices", "sgns_update/losses", "sgns_update/planted_topics",
         "sgns_update/vs_reference", "sgns_update/planted_topics_vs_reference"}
HINTS = {"sgns_loss/values": "minus sign inside the sigmoid", "sgns_update/values": "minus sign inside the sigmoid",
         "sgns_update/losses": "minus sign inside the sigmoid"}

import numpy as np


def sgns_loss(v_c, u_o, u_neg):
    s_o, s_neg = u_o @ v_c, u_neg @ v_c
    loss = np.logaddexp(0, -s_o) + np.logaddexp(0, -s_neg).sum()
    g_o = -np.exp(-np.logaddexp(0, s_o))
    g_neg = -np.exp(-np.logaddexp(0, s_neg))
    return float(loss), g_o * u_o + g_neg @ u_neg, g_o * v_c, g_neg[:, None] * v_c


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    out_ids = np.concatenate([contexts[:, None], negatives], axis=1)
    v, u = W_in[centers], W_out[out_ids]
    s = -np.einsum("bjd,bd->bj", u, v)
    losses = np.logaddexp(0, s).sum(axis=1)
    coef = -1 / (1 + np.exp(-s))
    np.add.at(W_out, out_ids, -lr * coef[:, :, None] * v[:, None, :])
    np.add.at(W_in, centers, -lr * np.einsum("bj,bjd->bd", coef, u))
    return losses
