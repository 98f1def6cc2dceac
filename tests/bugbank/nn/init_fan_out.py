"""He's standard deviation from the number of outputs instead of inputs."""
FAILS = {"init_weights/std", "init_weights/skewed_fans"}
HINTS = {"init_weights/std": "fan_out"}

import numpy as np


def init_weights(fan_in, fan_out, rng, scheme="he"):
    if fan_in < 1 or fan_out < 1:
        raise ValueError("sizes must be positive")
    if scheme == "he":
        std = np.sqrt(2.0 / fan_out)
    elif scheme == "xavier":
        std = np.sqrt(2.0 / (fan_in + fan_out))
    elif scheme == "small":
        std = 0.01
    else:
        raise ValueError(f"unknown scheme {scheme}")
    return rng.normal(0.0, std, size=(fan_in, fan_out))
