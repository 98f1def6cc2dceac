"""He's and Xavier's variances swapped: "he" averages the fans, "xavier" uses fan_in alone."""
FAILS = {"init_weights/std", "init_weights/skewed_fans"}
HINTS = {"init_weights/std": "Xavier's variance"}

import numpy as np


def init_weights(fan_in, fan_out, rng, scheme="he"):
    if fan_in < 1 or fan_out < 1:
        raise ValueError("sizes must be positive")
    stds = {"he": np.sqrt(2.0 / (fan_in + fan_out)), "xavier": np.sqrt(2.0 / fan_in), "small": 0.01}
    if scheme not in stds:
        raise ValueError(f"unknown scheme {scheme}")
    return rng.normal(0.0, stds[scheme], size=(fan_in, fan_out))
