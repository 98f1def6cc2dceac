"""Fills a float array with the predicted labels (np.zeros defaults to float64)."""
FAILS = {"knn_predict/duplicate_rows", "knn_predict/shape_dtype", "knn_predict/votes", "knn_predict/ties", "knn_predict/vs_reference",
         "knn_predict/random_ties"}
HINTS = {"knn_predict/shape_dtype": "np.zeros(...) is float by default"}

import numpy as np


def knn_predict(X_train, y_train, X_test, k=1):
    if not 1 <= k <= len(X_train):
        raise ValueError(f"bad k={k}")
    dists = compute_distances(X_train, X_test)
    y_pred = np.zeros(dists.shape[0])
    for i in range(dists.shape[0]):
        y_pred[i] = np.bincount(y_train[np.argsort(dists[i])[:k]]).argmax()
    return y_pred
