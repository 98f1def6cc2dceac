"""Caches x and applies the shortcut to it: dout * x * (1 - x)."""
FAILS = {"sigmoid_backward/values", "sigmoid_backward/numeric_gradient", "sigmoid_backward/vs_reference"}
HINTS = {"sigmoid_backward/values": "not from x"}

_reference_sigmoid_forward = sigmoid_forward


def sigmoid_forward(x):
    return _reference_sigmoid_forward(x)[0], x


def sigmoid_backward(dout, cache):
    return dout * cache * (1 - cache)
