"""The backward pass reuses the cached output as its gradient buffer: the first call is right,
but it writes dout into the cache, so a second call with the same cache gates by the wrong signs."""
FAILS = {"residual_backward/inputs_untouched"}

import numpy as np


def residual_backward(dout, cache):
    conv1, h, conv2, out = cache
    dsum = out
    positive = out > 0
    dsum[positive] = dout[positive]
    dh, dw2, db2 = conv_backward(dsum, conv2)
    dx, dw1, db1 = conv_backward(dh * (h > 0), conv1)
    return dx + dsum, dw1, db1, dw2, db2
