"""The textbook formula 1 / (1 + exp(-x)): right values, but exp overflows (with a warning)."""
FAILS = {"sigmoid_forward/extremes"}
HINTS = {"sigmoid_forward/extremes": "exp(x) / (1 + exp(x))"}

import numpy as np


def sigmoid_forward(x):
    out = 1 / (1 + np.exp(-x))
    return out, out
