"""Correct, written differently from the reference: distances by broadcasting differences
(exact, no expansion), scipy for nothing, a stable argsort and np.bincount per row."""
FAILS = set()

import numpy as np


def compute_distances(X_train, X_test):
    diff = np.asarray(X_test, dtype=np.float64)[:, None, :] - np.asarray(X_train, dtype=np.float64)[None, :, :]
    return np.sqrt(np.einsum("nmd,nmd->nm", diff, diff))


def knn_predict(X_train, y_train, X_test, k=1):
    M = len(y_train)
    if not (1 <= k <= M):
        raise ValueError(f"k={k} must be in [1, {M}]")
    order = np.argsort(compute_distances(X_train, X_test), axis=1, kind="stable")[:, :k]
    labels = np.asarray(y_train)[order]
    return np.array([np.bincount(row).argmax() for row in labels], dtype=np.int32)
