"""A partly wrong kNN submission, as a student might hand it in (used by `dev.sh demo`).

Its mistakes, each of which the grader names with a hint:
- compute_distances takes the square root of the expanded squared distances without clipping
  them at 0, so rounding gives NaN where a test row equals a training row;
- knn_predict breaks vote ties with collections.Counter, which favours the label seen first
  (the nearest neighbour's) instead of the smallest label.
cross_validate_k is correct.
"""

from collections import Counter

import numpy as np


def compute_distances(X_train, X_test):
    X_train = np.asarray(X_train, dtype=np.float64)
    X_test = np.asarray(X_test, dtype=np.float64)
    test_sq = np.sum(X_test**2, axis=1, keepdims=True)
    train_sq = np.sum(X_train**2, axis=1)
    return np.sqrt(test_sq + train_sq - 2 * X_test @ X_train.T)


def knn_predict(X_train, y_train, X_test, k=1):
    if k < 1 or k > len(X_train):
        raise ValueError(f"k must be between 1 and {len(X_train)}, got {k}")
    dists = compute_distances(X_train, X_test)
    y_pred = np.zeros(len(X_test), dtype=int)
    for i in range(len(X_test)):
        closest_y = y_train[np.argsort(dists[i])[:k]]
        y_pred[i] = Counter(closest_y.tolist()).most_common(1)[0][0]
    return y_pred


def cross_validate_k(X, y, k_choices, num_folds=5):
    X_folds = np.array_split(X, num_folds)
    y_folds = np.array_split(y, num_folds)
    results = {}
    for k in k_choices:
        results[k] = []
        for i in range(num_folds):
            X_tr = np.vstack([f for j, f in enumerate(X_folds) if j != i])
            y_tr = np.hstack([f for j, f in enumerate(y_folds) if j != i])
            y_pred = knn_predict(X_tr, y_tr, X_folds[i], k)
            results[k].append(float(np.mean(y_pred == y_folds[i])))
    return results
