"""Breaks vote ties toward the largest label (argmax over reversed counts)."""
FAILS = {"knn_predict/ties", "knn_predict/vs_reference", "knn_predict/random_ties", "cross_validate_k/vs_reference"}
FIX_FIRST = {"cross_validate_k/vs_reference": "knn_predict/ties"}  # it uses the student's knn_predict
HINTS = {"knn_predict/ties": "yours went to the largest"}

import numpy as np


def knn_predict(X_train, y_train, X_test, k=1):
    if not 1 <= k <= len(X_train):
        raise ValueError(f"bad k={k}")
    dists = compute_distances(X_train, X_test)
    nearest = np.argsort(dists, axis=1)[:, :k]
    y_pred = np.empty(len(X_test), dtype=np.int64)
    for i, row in enumerate(nearest):
        counts = np.bincount(y_train[row])
        y_pred[i] = len(counts) - 1 - np.argmax(counts[::-1])
    return y_pred
