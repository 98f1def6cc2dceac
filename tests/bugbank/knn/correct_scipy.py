"""Correct, with library help: scipy's cdist and a vectorised vote via np.apply_along_axis."""
FAILS = set()

import numpy as np
from scipy.spatial.distance import cdist


def compute_distances(X_train, X_test):
    return cdist(np.asarray(X_test, dtype=float), np.asarray(X_train, dtype=float))


def knn_predict(X_train, y_train, X_test, k=1):
    if not isinstance(k, (int, np.integer)) or not 0 < k <= len(X_train):
        raise ValueError("invalid k")
    nearest = np.argpartition(compute_distances(X_train, X_test), k - 1, axis=1)[:, :k]
    votes = y_train[nearest]
    size = y_train.max() + 1
    return np.apply_along_axis(lambda row: np.bincount(row, minlength=size).argmax(), 1, votes)
