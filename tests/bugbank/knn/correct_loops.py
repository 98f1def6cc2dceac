"""Correct, written the slow way a beginner would: two loops for the distances, a Counter vote
with the tie rule written out, folds by index lists. Must keep full marks."""
FAILS = set()

from collections import Counter

import numpy as np


def compute_distances(X_train, X_test):
    dists = np.zeros((X_test.shape[0], X_train.shape[0]))
    for i in range(X_test.shape[0]):
        for j in range(X_train.shape[0]):
            diff = X_test[i].astype(float) - X_train[j].astype(float)
            dists[i, j] = np.sqrt(np.sum(diff * diff))
    return dists


def knn_predict(X_train, y_train, X_test, k=1):
    if k < 1 or k > X_train.shape[0]:
        raise ValueError("k must be between 1 and the number of training points")
    dists = compute_distances(X_train, X_test)
    y_pred = np.zeros(X_test.shape[0], dtype=int)
    for i in range(X_test.shape[0]):
        counts = Counter(y_train[np.argsort(dists[i])[:k]].tolist())
        best = max(counts.values())
        y_pred[i] = min(label for label, c in counts.items() if c == best)
    return y_pred


def cross_validate_k(X, y, k_choices, num_folds=5):
    folds = np.array_split(np.arange(len(y)), num_folds)
    results = {}
    for k in k_choices:
        accuracies = []
        for i, val in enumerate(folds):
            train = np.concatenate([f for j, f in enumerate(folds) if j != i])
            pred = knn_predict(X[train], y[train], X[val], k=k)
            accuracies.append(float(np.sum(pred == y[val])) / len(val))
        results[k] = accuracies
    return results
