"""lstm_forward starts the cell state from h0 instead of zeros."""
FAILS = {"lstm_forward/values", "lstm_backward/values", "lstm_backward/numeric_gradient", "lstm_backward/vs_reference"}

import numpy as np


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h, c, caches, hs = h0, h0.copy(), [], []
    for t in range(T):
        h, c, step = lstm_step(x[:, t], h, c, Wx, Wh, b)
        hs.append(h)
        caches.append(step)
    return np.stack(hs, axis=1), caches
