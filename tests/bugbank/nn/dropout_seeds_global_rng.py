"""Seeds NumPy's global generator from rng and draws from it: deterministic, but it changes
the caller's global random state."""
FAILS = {"dropout_forward/randomness"}
HINTS = {"dropout_forward/randomness": "global random state"}

import numpy as np


def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), None
    np.random.seed(int(rng.integers(2**31)))
    mask = (np.random.random_sample(x.shape) >= p) / (1 - p)
    return x * mask, mask
