"""Divides every feature by its standard deviation, constant ones too: 0 / 0 and x / 0."""
FAILS = {"preprocess/zero_spread", "preprocess/vs_reference", "init_weights/digits_training"}
HINTS = {"preprocess/zero_spread": "zero spread in the training set"}

import numpy as np


def preprocess(X_train, X_test):
    mean = np.mean(X_train, axis=0)
    std = np.std(X_train, axis=0)
    return (X_train - mean) / std, (X_test - mean) / std
