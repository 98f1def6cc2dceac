"""Votes with collections.Counter.most_common, which breaks ties toward the label seen first,
i.e. the nearest neighbour's."""
FAILS = {"knn_predict/ties", "knn_predict/vs_reference", "knn_predict/random_ties", "cross_validate_k/vs_reference"}
FIX_FIRST = {"cross_validate_k/vs_reference": "knn_predict/ties"}  # it uses the student's knn_predict
HINTS = {"knn_predict/ties": "not to the label seen first"}

from collections import Counter

import numpy as np


def knn_predict(X_train, y_train, X_test, k=1):
    if not 1 <= k <= len(X_train):
        raise ValueError(f"bad k={k}")
    dists = compute_distances(X_train, X_test)
    y_pred = []
    for i in range(dists.shape[0]):
        closest = y_train[np.argsort(dists[i])[:k]]
        y_pred.append(Counter(closest.tolist()).most_common(1)[0][0])
    return np.array(y_pred)
