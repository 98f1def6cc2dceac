"""Lets the gradient through where x == 0 too (x >= 0)."""
FAILS = {"relu_backward/values"}


def relu_backward(dout, cache):
    return dout * (cache >= 0)
