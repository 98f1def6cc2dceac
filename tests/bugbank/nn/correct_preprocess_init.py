"""Correct, written differently: the variance by hand and np.divide's where= for constant
features; W from standard normal draws, scaled."""
FAILS = set()

import math

import numpy as np


def preprocess(X_train, X_test):
    train = np.array(X_train, dtype=float)
    test = np.array(X_test, dtype=float)
    centre = train.sum(axis=0) / train.shape[0]
    spread = np.sqrt(((train - centre) ** 2).mean(axis=0))
    constant = (train == train[0]).all(axis=0)
    scale = np.where(constant, 1.0, spread)
    return np.divide(train - centre, scale), np.divide(test - centre, scale)


def init_weights(fan_in, fan_out, rng, scheme="he"):
    variances = {"he": 2 / max(fan_in, 1), "xavier": 2 / max(fan_in + fan_out, 1), "small": 1e-4}
    if scheme not in variances or min(fan_in, fan_out) <= 0:
        raise ValueError(f"bad arguments: {fan_in}, {fan_out}, {scheme!r}")
    return rng.standard_normal((fan_in, fan_out)) * math.sqrt(variances[scheme])
