"""CS231n's gate order i, f, o, g instead of PyTorch's i, f, g, o (forward and backward
consistent with each other)."""
FAILS = {"lstm_step/values", "lstm_step/saturated", "lstm_step_backward/values", "lstm_forward/values",
         "lstm_backward/values", "lstm_step_backward/vs_reference", "lstm_backward/vs_reference"}
HINTS = {"lstm_step/values": "CS231n's order", "lstm_forward/values": "CS231n's order"}

import numpy as np

_reference_step, _reference_step_backward = lstm_step, lstm_step_backward


def _swap(W):
    H = W.shape[-1] // 4
    return np.concatenate([W[..., :2 * H], W[..., 3 * H:], W[..., 2 * H:3 * H]], axis=-1)


def lstm_step(x, prev_h, prev_c, Wx, Wh, b):
    return _reference_step(x, prev_h, prev_c, _swap(Wx), _swap(Wh), _swap(b))


def lstm_step_backward(dnext_h, dnext_c, cache):
    dx, dprev_h, dprev_c, dWx, dWh, db = _reference_step_backward(dnext_h, dnext_c, cache)
    return dx, dprev_h, dprev_c, _swap(dWx), _swap(dWh), _swap(db)
