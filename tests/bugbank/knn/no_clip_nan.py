"""Takes the square root of the expanded squared distances without clipping at 0: NaN for
duplicated rows whenever rounding makes the expansion negative."""
FAILS = {"knn_predict/duplicate_rows", "compute_distances/duplicates", "compute_distances/vs_reference"}
HINTS = {"compute_distances/duplicates": "clip at 0",
         "knn_predict/duplicate_rows": "Fix compute_distances first"}

import numpy as np


def compute_distances(X_train, X_test):
    X_train = np.asarray(X_train, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
    return np.sqrt(np.sum(X_test**2, axis=1, keepdims=True) + np.sum(X_train**2, axis=1) - 2 * X_test @ X_train.T)
