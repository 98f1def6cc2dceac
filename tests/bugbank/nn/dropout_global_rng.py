"""Draws the mask from NumPy's global random state, ignoring rng."""
FAILS = {"dropout_forward/randomness"}
HINTS = {"dropout_forward/randomness": "draw the mask from the rng argument"}

import numpy as np


def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), None
    mask = (np.random.rand(*x.shape) >= p) / (1 - p)
    return x * mask, mask
