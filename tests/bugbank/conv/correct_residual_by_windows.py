"""Correct, written differently: the residual block keeps its pre-activations (not its outputs)
and builds dx from the shortcut first; the receptive field simulates the input window layer by
layer, from each layer's unit down to the input (a window of r units at layer l covers
(r - 1) * s + k units of the layer below)."""
FAILS = set()

import numpy as np


def residual_forward(x, w1, b1, w2, b2):
    C = x.shape[1]
    if x.ndim != 4 or w1.shape != w2.shape or w1.shape[:2] != (C, C) or b1.shape != (C,) or b2.shape != (C,):
        raise ValueError("w1, w2 must be (C, C, k, k) and b1, b2 (C,) for the C channels of x")
    if w1.shape[2] % 2 == 0 or w1.shape[2] != w1.shape[3]:
        raise ValueError("the kernel size k must be odd")
    pad = (w1.shape[2] - 1) // 2
    a1, c1 = conv_forward(x, w1, b1, 1, pad)
    a2, c2 = conv_forward(np.where(a1 > 0, a1, 0.0), w2, b2, 1, pad)
    s = a2 + x
    return np.where(s > 0, s, 0.0), {"c1": c1, "a1": a1, "c2": c2, "s": s}


def residual_backward(dout, cache):
    ds = np.where(cache["s"] > 0, dout, 0.0)
    dx = ds.copy()  # the shortcut
    da1, dw2, db2 = conv_backward(ds, cache["c2"])
    dx_branch, dw1, db1 = conv_backward(np.where(cache["a1"] > 0, da1, 0.0), cache["c1"])
    dx += dx_branch
    return dx, dw1, db1, dw2, db2


def receptive_field(layers):
    layers = list(layers)
    if any(k < 1 or s < 1 for k, s in layers):
        raise ValueError("every kernel and stride must be >= 1")
    sizes = []
    for top in range(len(layers)):
        window = 1  # one unit of layer `top`
        for kernel, stride in reversed(layers[:top + 1]):
            window = (window - 1) * stride + kernel
        sizes.append(window)
    return sizes
