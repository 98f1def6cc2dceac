"""Backpropagation through time without the recurrent path of h: each step gets dh[:, t] only,
never the dprev_h of the step after it."""
FAILS = {"lstm_backward/values", "lstm_backward/numeric_gradient", "lstm_backward/vs_reference"}
# (the pattern can still be learned through the cell state alone, so training does not expose it)
HINTS = {"lstm_backward/values": "through step t + 1"}

import numpy as np


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dx, dWx, dWh, db = [], 0, 0, 0
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx_t, dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t], dprev_c, cache[t])
        dx.append(dx_t)
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return np.stack(dx[::-1], axis=1), dprev_h, dWx, dWh, db
