"""Standardises each set with its own mean and standard deviation: the test set's statistics
leak into the preprocessing."""
FAILS = {"preprocess/values", "preprocess/zero_spread", "preprocess/vs_reference"}
HINTS = {"preprocess/values": "leaks the test data"}

import numpy as np


def _standardise(X):
    X = np.asarray(X, dtype=np.float64)
    std = X.std(axis=0)
    std[std == 0] = 1.0
    return (X - X.mean(axis=0)) / std


def preprocess(X_train, X_test):
    return _standardise(X_train), _standardise(X_test)
