"""log(sigmoid(x)) written literally: exp overflows and log(0) gives -inf for large dot products."""

FAILS = {"sgns_loss/large_dot_products"}

import numpy as np


def sgns_loss(v_c, u_o, u_neg):
    sig = lambda x: 1 / (1 + np.exp(-x))
    s_o, s_neg = u_o @ v_c, u_neg @ v_c
    loss = -np.log(sig(s_o)) - np.sum(np.log(sig(-s_neg)))
    g_o = sig(s_o) - 1
    g_neg = sig(s_neg)
    return float(loss), g_o * u_o + g_neg @ u_neg, g_o * v_c, np.outer(g_neg, v_c)
