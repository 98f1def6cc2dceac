"""`dh[:, t] += dprev_h`: backpropagation through time that adds into the caller's dh."""
FAILS = {"lstm_backward/inputs_untouched"}

import numpy as np


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dx, dWx, dWh, db = [], 0, 0, 0
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dh[:, t] += dprev_h
        dx_t, dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t], dprev_c, cache[t])
        dx.append(dx_t)
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return np.stack(dx[::-1], axis=1), dprev_h, dWx, dWh, db
