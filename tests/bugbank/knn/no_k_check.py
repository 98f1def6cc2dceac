"""Never validates k: k > M silently uses all M points, k = -1 uses M - 1."""
FAILS = {"knn_predict/k_out_of_range"}
HINTS = {"knn_predict/k_out_of_range": "raise ValueError"}

import numpy as np


def knn_predict(X_train, y_train, X_test, k=1):
    dists = compute_distances(X_train, X_test)
    nearest = np.argsort(dists, axis=1)[:, :k]
    return np.array([np.bincount(y_train[row], minlength=1).argmax() for row in nearest], dtype=np.int64)
