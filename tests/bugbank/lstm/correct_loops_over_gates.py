"""Correct, written differently: the four gates kept in a dict by name, the sigmoid with
np.where over the sign, weights sliced per gate, tuple caches."""
FAILS = set()

import numpy as np

ORDER = ("i", "f", "g", "o")


def _sigmoid(a):
    positive = a >= 0
    z = np.exp(np.where(positive, -a, a))
    return np.where(positive, 1 / (1 + z), z / (1 + z))


def lstm_step(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    gates = {}
    for k, name in enumerate(ORDER):
        block = slice(k * H, (k + 1) * H)
        a = x @ Wx[:, block] + prev_h @ Wh[:, block] + b[block]
        gates[name] = np.tanh(a) if name == "g" else _sigmoid(a)
    next_c = gates["f"] * prev_c + gates["i"] * gates["g"]
    next_h = gates["o"] * np.tanh(next_c)
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, gates, next_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, gates, next_c = cache
    tanh_c = np.tanh(next_c)
    dc = dnext_c + dnext_h * gates["o"] * (1 - tanh_c * tanh_c)
    local = {"i": dc * gates["g"] * gates["i"] * (1 - gates["i"]),
             "f": dc * prev_c * gates["f"] * (1 - gates["f"]),
             "g": dc * gates["i"] * (1 - gates["g"] ** 2),
             "o": dnext_h * tanh_c * gates["o"] * (1 - gates["o"])}
    da = np.concatenate([local[name] for name in ORDER], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * gates["f"], x.T @ da, prev_h.T @ da, np.sum(da, axis=0)
