"""grad_u_neg accumulated per distinct negative row: a row that appears twice gets the sum of
both gradients in both places (the contract wants each row's own gradient)."""

FAILS = {"sgns_loss/values", "sgns_loss/numeric_gradient", "sgns_loss/vs_reference"}

import numpy as np


def sgns_loss(v_c, u_o, u_neg):
    s_o, s_neg = u_o @ v_c, u_neg @ v_c
    loss = np.logaddexp(0, -s_o) + np.logaddexp(0, s_neg).sum()
    g_o = -np.exp(-np.logaddexp(0, s_o))
    g_neg = np.exp(-np.logaddexp(0, -s_neg))
    _, first, inverse = np.unique(u_neg, axis=0, return_index=True, return_inverse=True)
    merged = np.zeros(len(first))
    np.add.at(merged, inverse.ravel(), g_neg)
    return float(loss), g_o * u_o + g_neg @ u_neg, g_o * v_c, merged[inverse.ravel()][:, None] * v_c
