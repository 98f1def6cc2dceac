"""Correct, with a different sigmoid formulation: 0.5 * (1 + tanh(x / 2)), which cannot
overflow, and momentum written as a velocity."""
FAILS = set()

import numpy as np


def sigmoid_forward(x):
    out = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out, {"sigma": out}


def sigmoid_backward(dout, cache):
    sigma = cache["sigma"]
    return dout * sigma * (1.0 - sigma)


def sgd_momentum(w, dw, w_prev, lr, momentum):
    velocity = w - w_prev
    return w + momentum * velocity - lr * dw
