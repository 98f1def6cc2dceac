"""Divides by the sample standard deviation (ddof=1) where the contract asks for the population
one; with a single training row that is 0 / 0."""
FAILS = {"preprocess/values", "preprocess/zero_spread", "preprocess/vs_reference"}
HINTS = {"preprocess/values": "sample standard deviation"}

import numpy as np


def preprocess(X_train, X_test):
    X_train = X_train.astype(np.float64)
    X_test = X_test.astype(np.float64)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0, ddof=1)
    std[std == 0] = 1.0
    return (X_train - mean) / std, (X_test - mean) / std
