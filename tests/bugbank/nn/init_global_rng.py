"""Draws W from NumPy's global random state (np.random.randn), ignoring rng: not reproducible."""
FAILS = {"init_weights/randomness"}
HINTS = {"init_weights/randomness": "global state"}

import numpy as np


def init_weights(fan_in, fan_out, rng, scheme="he"):
    if fan_in < 1 or fan_out < 1:
        raise ValueError("sizes must be positive")
    if scheme == "he":
        std = np.sqrt(2.0 / fan_in)
    elif scheme == "xavier":
        std = np.sqrt(2.0 / (fan_in + fan_out))
    elif scheme == "small":
        std = 0.01
    else:
        raise ValueError(f"unknown scheme {scheme}")
    return np.random.randn(fan_in, fan_out) * std
