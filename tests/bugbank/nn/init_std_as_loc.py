"""Passes the standard deviation as normal's first argument, which is the mean (loc): every
weight is drawn around std with scale 1."""
FAILS = {"init_weights/std", "init_weights/mean", "init_weights/skewed_fans"}
HINTS = {"init_weights/mean": "not its centre"}
# Trained from these weights the digits network reaches 0.938 against 0.956 (seeds 50, 51 of the
# check), just outside the 0.01 margin: a near thing, so not required.
MAY_FAIL = {"init_weights/digits_training"}

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
    return rng.normal(std, size=(fan_in, fan_out))
