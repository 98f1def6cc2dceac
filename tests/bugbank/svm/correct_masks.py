"""Correct, vectorised differently: one-hot masks and np.where."""
FAILS = set()

import numpy as np


def svm_loss(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    onehot = np.eye(C)[y]
    scores = X.dot(W)
    correct = np.sum(scores * onehot, axis=1, keepdims=True)
    margins = np.where(onehot == 1, 0.0, scores - correct + 1.0)
    active = np.where(margins > 0, 1.0, 0.0)
    loss = np.mean(np.sum(active * margins, axis=1)) + reg * np.sum(np.square(W))
    coefficients = active - onehot * active.sum(axis=1, keepdims=True)
    return loss, np.dot(X.T, coefficients) / N + 2.0 * reg * W
