"""relu_backward zeroes the upstream gradient in place and returns it (dx = dout is no copy):
the caller's dout changes (from a public CS231n solution set, which got full marks before every
call was held to the contract)."""
FAILS = {"relu_backward/values", "relu_backward/numeric_gradient"}
HINTS = {"relu_backward/values": "work on a copy"}

import numpy as np


def relu_backward(dout, cache):
    x = cache
    dx = dout
    dx[x <= 0] = 0
    return dx
