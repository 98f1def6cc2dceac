"""Uses the variance 2 / fan_in as the normal's scale, forgetting the square root; and accepts
any scheme name, falling back to He's."""
FAILS = {"init_weights/std", "init_weights/errors", "init_weights/skewed_fans"}
HINTS = {"init_weights/std": "its square root"}


def init_weights(fan_in, fan_out, rng, scheme="he"):
    if fan_in < 1 or fan_out < 1:
        raise ValueError("sizes must be positive")
    if scheme == "xavier":
        scale = 2.0 / (fan_in + fan_out)
    elif scheme == "small":
        scale = 0.01
    else:
        scale = 2.0 / fan_in
    return rng.normal(0.0, scale, size=(fan_in, fan_out))
