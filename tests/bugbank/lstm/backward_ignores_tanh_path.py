"""The backward pass starts from dc = dnext_c and forgets that next_h = o * tanh(next_c) depends
on the cell state too."""
FAILS = {"lstm_step_backward/values", "lstm_step_backward/numeric_gradient", "lstm_backward/values",
         "lstm_backward/numeric_gradient", "lstm_step_backward/vs_reference", "lstm_backward/vs_reference",
         "lstm_backward/sequence_training", "lstm_backward/training_vs_reference"}
HINTS = {"lstm_step_backward/values": "reaches the loss twice"}

import numpy as np


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, g, o, tanh_c = cache
    dc = dnext_c
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dc * i * (1 - g * g),
                         dnext_h * tanh_c * o * (1 - o)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
