"""Forgets the square root: returns squared Euclidean distances."""
FAILS = {"compute_distances/values", "compute_distances/duplicates", "compute_distances/vs_reference",
         "compute_distances/integer_pixels"}
HINTS = {"compute_distances/values": "squared distances"}

import numpy as np


def compute_distances(X_train, X_test):
    X_train = np.asarray(X_train, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
    sq = np.sum(X_test**2, axis=1)[:, None] + np.sum(X_train**2, axis=1)[None, :] - 2 * X_test @ X_train.T
    return np.maximum(sq, 0)
