"""A partly wrong recurrent assignment, as a student might hand it in (used by `dev.sh demo`).

Its mistakes: lstm_step_backward forgets that next_h = o * tanh(next_c) depends on the cell
state (dc is dnext_c alone), and rnn_step_backward averages db over the batch. Everything else is
right.
"""

import numpy as np


def _sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def rnn_step(x, prev_h, Wx, Wh, b):
    xh = np.concatenate([x, prev_h], axis=1)
    W = np.concatenate([Wx, Wh], axis=0)
    next_h = np.tanh(xh @ W + b)
    return next_h, {"xh": xh, "W": W, "D": x.shape[1], "next_h": next_h}


def rnn_step_backward(dnext_h, cache):
    da = dnext_h * (1 - cache["next_h"] ** 2)
    dxh = da @ cache["W"].T
    dW = cache["xh"].T @ da
    D = cache["D"]
    return dxh[:, :D], dxh[:, D:], dW[:D], dW[D:], da.mean(axis=0)


def lstm_step(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    xh = np.concatenate([x, prev_h], axis=1)
    W = np.concatenate([Wx, Wh], axis=0)
    a = xh @ W + b
    i, f, g, o = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), _sigmoid(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = {"xh": xh, "W": W, "D": x.shape[1], "prev_c": prev_c, "i": i, "f": f, "g": g, "o": o, "next_c": next_c}
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    i, f, g, o, c = cache["i"], cache["f"], cache["g"], cache["o"], cache["next_c"]
    tanh_c = np.tanh(c)
    dc = dnext_c.copy()
    di, df, dg, do = dc * g, dc * cache["prev_c"], dc * i, dnext_h * tanh_c
    da = np.hstack([di * i * (1 - i), df * f * (1 - f), dg * (1 - g ** 2), do * o * (1 - o)])
    dxh = da @ cache["W"].T
    dW = cache["xh"].T @ da
    D = cache["D"]
    return dxh[:, :D], dxh[:, D:], dc * f, dW[:D], dW[D:], da.sum(axis=0)


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h, c = h0, np.zeros_like(h0)
    hs, caches = [], {}
    for t in range(T):
        h, c, caches[t] = lstm_step(x[:, t, :], h, c, Wx, Wh, b)
        hs.append(h)
    return np.stack(hs, axis=1), {"steps": caches, "T": T, "D": x.shape[2]}


def lstm_backward(dh, cache):
    T, D = cache["T"], cache["D"]
    N, _, H = dh.shape
    dx = np.zeros((N, T, D))
    dWx, dWh, db = 0, 0, 0
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx[:, t], dh_next, dc_next, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dh_next, dc_next,
                                                                             cache["steps"][t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dh_next, dWx, dWh, db
