"""Reports accuracies in percent."""
FAILS = {"cross_validate_k/structure", "cross_validate_k/folds", "cross_validate_k/vs_reference"}
HINTS = {"cross_validate_k/folds": "not percentages"}

import numpy as np


def cross_validate_k(X, y, k_choices, num_folds=5):
    X_folds = np.array_split(X, num_folds)
    y_folds = np.array_split(y, num_folds)
    results = {}
    for k in k_choices:
        results[k] = []
        for i in range(num_folds):
            X_tr = np.concatenate(X_folds[:i] + X_folds[i + 1:])
            y_tr = np.concatenate(y_folds[:i] + y_folds[i + 1:])
            results[k].append(100.0 * np.mean(knn_predict(X_tr, y_tr, X_folds[i], k) == y_folds[i]))
    return results
