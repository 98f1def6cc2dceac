"""Computes in float32 "to save memory": errors of ~1e-7 relative, far beyond float64 rounding."""
FAILS = {"compute_distances/values", "compute_distances/duplicates", "compute_distances/vs_reference",
         "compute_distances/integer_pixels"}

import numpy as np


def compute_distances(X_train, X_test):
    X_train = np.asarray(X_train, dtype=np.float32)
    X_test = np.asarray(X_test, dtype=np.float32)
    sq = np.sum(X_test**2, axis=1)[:, None] + np.sum(X_train**2, axis=1)[None, :] - 2 * X_test @ X_train.T
    return np.sqrt(np.maximum(sq, 0)).astype(np.float64)
