"""Returns W in PyTorch's Linear layout, (fan_out, fan_in), instead of the contract's
(fan_in, fan_out) that x @ W needs."""
FAILS = {"init_weights/std", "init_weights/mean", "init_weights/shapes", "init_weights/skewed_fans",
         "init_weights/digits_training"}
HINTS = {"init_weights/shapes": "W is transposed"}

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
    return rng.normal(0.0, std, size=(fan_out, fan_in))
