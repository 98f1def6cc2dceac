"""Shuffles the rows before splitting into folds (the contract says no shuffling)."""
FAILS = {"cross_validate_k/folds", "cross_validate_k/vs_reference"}

import numpy as np


def cross_validate_k(X, y, k_choices, num_folds=5):
    order = np.random.default_rng(0).permutation(len(y))
    X_folds = np.array_split(X[order], num_folds)
    y_folds = np.array_split(y[order], num_folds)
    results = {}
    for k in k_choices:
        results[k] = []
        for i in range(num_folds):
            X_tr = np.concatenate(X_folds[:i] + X_folds[i + 1:])
            y_tr = np.concatenate(y_folds[:i] + y_folds[i + 1:])
            results[k].append(float(np.mean(knn_predict(X_tr, y_tr, X_folds[i], k) == y_folds[i])))
    return results
