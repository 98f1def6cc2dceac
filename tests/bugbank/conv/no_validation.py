"""No checks of the geometry: a filter larger than the padded input gives an empty output
instead of a ValueError."""
FAILS = {"conv_forward/invalid_geometry"}

import numpy as np

_reference_forward = conv_forward


def conv_forward(x, w, b, stride=1, pad=0):
    N, F = x.shape[0], w.shape[0]
    H_out = 1 + (x.shape[2] + 2 * pad - w.shape[2]) // stride
    W_out = 1 + (x.shape[3] + 2 * pad - w.shape[3]) // stride
    if H_out < 1 or W_out < 1:
        return np.zeros((N, F, max(H_out, 0), max(W_out, 0))), None
    return _reference_forward(x, w, b, stride, pad)
