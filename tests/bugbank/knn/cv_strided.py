"""Takes every num_folds-th row as a fold (X[i::num_folds]) instead of consecutive rows."""
FAILS = {"cross_validate_k/folds", "cross_validate_k/vs_reference"}
HINTS = {"cross_validate_k/folds": "X[i::num_folds]"}

import numpy as np


def cross_validate_k(X, y, k_choices, num_folds=5):
    results = {k: [] for k in k_choices}
    rows = np.arange(len(y))
    for i in range(num_folds):
        val = rows[i::num_folds]
        train = np.setdiff1d(rows, val)
        for k in k_choices:
            results[k].append(float(np.mean(knn_predict(X[train], y[train], X[val], k) == y[val])))
    return results
