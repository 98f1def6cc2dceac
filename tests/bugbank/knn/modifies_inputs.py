"""Centres the data in place before computing distances. The distances are right, but the
caller's arrays change (and so do those of knn_predict and cross_validate_k, which pass
theirs, or views of them, along). In cross-validation the folds are views of X, so centring
one fold's test rows shifts rows that later folds use: those accuracies go wrong too."""
FAILS = {"compute_distances/inputs_untouched", "knn_predict/inputs_untouched", "cross_validate_k/inputs_untouched",
         "cross_validate_k/folds", "cross_validate_k/vs_reference"}
HINTS = {"compute_distances/inputs_untouched": "work on a copy"}

import numpy as np


def compute_distances(X_train, X_test):
    if X_train.dtype.kind == "f" and X_test.dtype.kind == "f":
        mean = X_train.mean(axis=0)
        X_train -= mean
        X_test -= mean
    X_train = X_train.astype(float)
    X_test = X_test.astype(float)
    sq = np.sum(X_test**2, axis=1)[:, None] + np.sum(X_train**2, axis=1)[None, :] - 2 * X_test @ X_train.T
    return np.sqrt(np.maximum(sq, 0))
