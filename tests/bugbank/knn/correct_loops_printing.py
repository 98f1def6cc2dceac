"""Correct, written the slow way a beginner would (correct_loops.py), printing as beginners debug:
every distance, every vote, every fold's accuracy (about 1.5 million print calls in the digits
checks). Printing must not cost points: output past the first lines is counted, not formatted."""
FAILS = set()

from collections import Counter

import numpy as np


def compute_distances(X_train, X_test):
    dists = np.zeros((X_test.shape[0], X_train.shape[0]))
    for i in range(X_test.shape[0]):
        for j in range(X_train.shape[0]):
            diff = X_test[i].astype(float) - X_train[j].astype(float)
            dists[i, j] = np.sqrt(np.sum(diff * diff))
            print("distance", i, j, dists[i, j])
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
        print("test point", i, "neighbours", y_train[np.argsort(dists[i])[:k]], "votes", counts)
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
            print(f"k={k} fold {i}: accuracy {accuracies[-1]:.3f}")
        results[k] = accuracies
    return results
