"""The residual block checks nothing: an even kernel is padded by k // 2 anyway (which grows
the image by one row and column per convolution), and wrong channels fail only where NumPy or
conv_forward happens to notice."""
FAILS = {"residual_forward/invalid"}

import numpy as np


def residual_forward(x, w1, b1, w2, b2):
    pad = w1.shape[2] // 2
    z1, cache1 = conv_forward(x, w1, b1, 1, pad)
    h = np.maximum(z1, 0)
    z2, cache2 = conv_forward(h, w2, b2, 1, pad)
    out = np.maximum(z2 + x, 0)
    return out, (cache1, h, cache2, out)
