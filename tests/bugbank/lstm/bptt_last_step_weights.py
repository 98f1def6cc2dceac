"""dWx, dWh and db of the first step only (`dWx = dWx_t` in the loop): the weights are shared by
every step, so their gradients must add up."""
FAILS = {"lstm_backward/values", "lstm_backward/numeric_gradient", "lstm_backward/vs_reference",
         "lstm_backward/sequence_training", "lstm_backward/training_vs_reference"}

import numpy as np


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dx = []
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx_t, dprev_h, dprev_c, dWx, dWh, db = lstm_step_backward(dh[:, t] + dprev_h, dprev_c, cache[t])
        dx.append(dx_t)
    return np.stack(dx[::-1], axis=1), dprev_h, dWx, dWh, db
