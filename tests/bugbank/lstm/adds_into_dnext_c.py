"""The public CS231n bug: `dnext_c += dnext_h * o * (1 - tanh(next_c)**2)` adds into the
caller's dnext_c. The gradients of one call are right; the caller's array is not."""
FAILS = {"lstm_step_backward/inputs_untouched"}

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, g, o, tanh_c = cache
    dnext_c += dnext_h * o * (1 - tanh_c * tanh_c)
    dc = dnext_c
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dc * i * (1 - g * g),
                         dnext_h * tanh_c * o * (1 - o)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
