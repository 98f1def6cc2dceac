"""Uses the L1 (Manhattan) distance instead of the Euclidean one."""
FAILS = {"compute_distances/values", "compute_distances/duplicates", "compute_distances/vs_reference",
         "compute_distances/integer_pixels", "knn_predict/vs_reference", "cross_validate_k/vs_reference"}
HINTS = {"compute_distances/values": "L1 (Manhattan)"}

import numpy as np


def compute_distances(X_train, X_test):
    X_train = np.asarray(X_train, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
    return np.abs(X_test[:, None, :] - X_train[None, :, :]).sum(axis=2)
