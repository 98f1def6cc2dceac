"""Ignores k: always the label of the single nearest neighbour."""
FAILS = {"knn_predict/votes", "knn_predict/ties", "knn_predict/vs_reference", "knn_predict/random_ties",
         "cross_validate_k/vs_reference"}
HINTS = {"knn_predict/votes": "nearest neighbour alone"}

import numpy as np


def knn_predict(X_train, y_train, X_test, k=1):
    if not 1 <= k <= len(X_train):
        raise ValueError(f"bad k={k}")
    return y_train[np.argmin(compute_distances(X_train, X_test), axis=1)]
