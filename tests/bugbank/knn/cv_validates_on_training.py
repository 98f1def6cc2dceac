"""Trains on all rows, the validation fold included: with k = 1 every fold looks perfect."""
FAILS = {"cross_validate_k/folds", "cross_validate_k/vs_reference"}
HINTS = {"cross_validate_k/folds": "must not be part of the training rows"}

import numpy as np


def cross_validate_k(X, y, k_choices, num_folds=5):
    X_folds = np.array_split(X, num_folds)
    y_folds = np.array_split(y, num_folds)
    return {
        k: [float(np.mean(knn_predict(X, y, X_folds[i], k) == y_folds[i])) for i in range(num_folds)]
        for k in k_choices
    }
