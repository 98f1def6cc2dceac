"""Averages db over the batch and the positions instead of summing."""
FAILS = {"conv_backward/values", "conv_backward/numeric_gradient", "conv_backward/vs_reference"}
HINTS = {"conv_backward/values": "not the mean"}

_reference_backward = conv_backward


def conv_backward(dout, cache):
    dx, dw, _ = _reference_backward(dout, cache)
    return dx, dw, dout.mean(axis=(0, 2, 3))
