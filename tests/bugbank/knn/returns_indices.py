"""Returns the index of the nearest training point instead of its label."""
FAILS = {"knn_predict/duplicate_rows", "knn_predict/votes", "knn_predict/ties", "knn_predict/digits", "knn_predict/vs_reference",
         "knn_predict/random_ties", "knn_predict/digits_vs_reference",
         "cross_validate_k/folds", "cross_validate_k/vs_reference"}
HINTS = {"knn_predict/votes": "indices of training points"}

import numpy as np


def knn_predict(X_train, y_train, X_test, k=1):
    if not 1 <= k <= len(X_train):
        raise ValueError(f"bad k={k}")
    return np.argsort(compute_distances(X_train, X_test), axis=1)[:, 0]
