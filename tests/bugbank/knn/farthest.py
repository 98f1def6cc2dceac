"""Sorts distances in decreasing order and so takes the k farthest training points."""
FAILS = {"knn_predict/duplicate_rows", "knn_predict/votes", "knn_predict/ties", "knn_predict/digits", "knn_predict/vs_reference",
         "knn_predict/random_ties", "knn_predict/digits_vs_reference",
         "cross_validate_k/folds", "cross_validate_k/vs_reference"}
HINTS = {"knn_predict/votes": "farthest"}

import numpy as np


def knn_predict(X_train, y_train, X_test, k=1):
    if not 1 <= k <= len(X_train):
        raise ValueError(f"bad k={k}")
    dists = compute_distances(X_train, X_test)
    nearest = np.argsort(-dists, axis=1)[:, :k]
    return np.array([np.bincount(y_train[row]).argmax() for row in nearest])
