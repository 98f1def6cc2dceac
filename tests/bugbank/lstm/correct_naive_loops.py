"""Correct, and slow the way a first version is: a loop over time steps that keeps a list of
per-step dict caches, and inside every step a loop over the examples of the batch, one
vector at a time (gates sliced in the order i, f, g, o). Must keep full marks at the default
limits."""
FAILS = set()

import numpy as np


def _sigmoid(a):
    e = np.exp(-np.abs(a))  # the contract asks for no overflow at +-800
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def lstm_step(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_h.shape
    next_h, next_c = np.zeros((N, H)), np.zeros((N, H))
    gates = []
    for n in range(N):
        a = x[n] @ Wx + prev_h[n] @ Wh + b
        i, f = _sigmoid(a[:H]), _sigmoid(a[H:2 * H])
        g, o = np.tanh(a[2 * H:3 * H]), _sigmoid(a[3 * H:])
        next_c[n] = f * prev_c[n] + i * g
        next_h[n] = o * np.tanh(next_c[n])
        gates.append((i, f, g, o))
    cache = {"x": x, "prev_h": prev_h, "prev_c": prev_c, "Wx": Wx, "Wh": Wh, "gates": gates, "next_c": next_c}
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh = cache["x"], cache["prev_h"], cache["prev_c"], cache["Wx"], cache["Wh"]
    N, H = prev_h.shape
    dx, dprev_h, dprev_c = np.zeros(x.shape), np.zeros((N, H)), np.zeros((N, H))
    dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(4 * H)
    for n in range(N):
        i, f, g, o = cache["gates"][n]
        tanh_c = np.tanh(cache["next_c"][n])
        dc = dnext_c[n] + dnext_h[n] * o * (1 - tanh_c ** 2)
        da = np.concatenate([dc * g * i * (1 - i), dc * prev_c[n] * f * (1 - f), dc * i * (1 - g ** 2),
                             dnext_h[n] * tanh_c * o * (1 - o)])
        dx[n] = Wx @ da
        dprev_h[n] = Wh @ da
        dprev_c[n] = dc * f
        dWx += np.outer(x[n], da)
        dWh += np.outer(prev_h[n], da)
        db += da
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h, prev_c = h0, np.zeros((N, H))
    caches = []
    for t in range(T):
        prev_h, prev_c, step_cache = lstm_step(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        h[:, t, :] = prev_h
        caches.append(step_cache)
    return h, caches


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0]["x"].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx[:, t, :], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t, :] + dprev_h, dprev_c,
                                                                                cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db
