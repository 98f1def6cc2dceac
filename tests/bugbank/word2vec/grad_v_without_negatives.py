"""The centre vector's gradient forgets the negatives' term."""

FAILS = {"sgns_loss/values", "sgns_loss/numeric_gradient", "sgns_loss/large_dot_products", "sgns_loss/vs_reference"}

import numpy as np


def sgns_loss(v_c, u_o, u_neg):
    s_o, s_neg = u_o @ v_c, u_neg @ v_c
    loss = np.logaddexp(0, -s_o) + np.logaddexp(0, s_neg).sum()
    g_o = -np.exp(-np.logaddexp(0, s_o))
    g_neg = np.exp(-np.logaddexp(0, -s_neg))
    return float(loss), g_o * u_o, g_o * v_c, g_neg[:, None] * v_c
