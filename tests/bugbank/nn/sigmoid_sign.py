"""Flips the sign in the exponent: 1 / (1 + exp(x)), which is 1 - sigmoid(x)."""
FAILS = {"sigmoid_forward/values", "sigmoid_forward/extremes", "sigmoid_backward/numeric_gradient",
         "sigmoid_backward/vs_reference"}
# (not sigmoid_backward/values: out * (1 - out) with out = 1 - sigma is still sigma * (1 - sigma);
# the numeric check against this forward catches it)

import numpy as np


def sigmoid_forward(x):
    out = 0.5 * (1 - np.tanh(0.5 * x))
    return out, out
