"""next_h = o * next_c: the tanh of the cell state is missing (the backward pass agrees)."""
FAILS = {"lstm_step/values", "lstm_step/saturated", "lstm_step_backward/values", "lstm_forward/values",
         "lstm_backward/values", "lstm_step_backward/vs_reference", "lstm_backward/vs_reference"}
HINTS = {"lstm_step/values": "tanh of the cell state is missing"}

import numpy as np


def _sigmoid(a):
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def lstm_step(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f, g, o = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), _sigmoid(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    return o * next_c, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c = cache
    dc = dnext_c + dnext_h * o
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dc * i * (1 - g * g),
                         dnext_h * next_c * o * (1 - o)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
