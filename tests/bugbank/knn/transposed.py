"""Returns dists transposed, (M, N): rows for training points. knn_predict (the reference's,
which uses compute_distances) then breaks too, except where it fails before calling it or
where only its inputs are judged."""
FAILS = {"knn_predict/duplicate_rows", "compute_distances/shape", "compute_distances/values", "compute_distances/duplicates",
         "compute_distances/vs_reference", "compute_distances/integer_pixels",
         "knn_predict/shape_dtype", "knn_predict/votes", "knn_predict/ties",
         "knn_predict/digits", "knn_predict/vs_reference", "knn_predict/random_ties",
         "knn_predict/digits_vs_reference",
         "cross_validate_k/structure", "cross_validate_k/folds", "cross_validate_k/inputs_untouched",
         "cross_validate_k/vs_reference"}
HINTS = {"compute_distances/shape": "transposed"}

import numpy as np


def compute_distances(X_train, X_test):
    X_train = np.asarray(X_train, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
    sq = np.sum(X_train**2, axis=1)[:, None] + np.sum(X_test**2, axis=1)[None, :] - 2 * X_train @ X_test.T
    return np.sqrt(np.maximum(sq, 0))
