"""Differentiates the penalty reg * W**2 as reg * W."""
FAILS = {"svm_loss/values_with_penalty", "svm_loss/numeric_gradient", "svm_loss/vs_reference"}
HINTS = {"svm_loss/values_with_penalty": "half what it should be"}

import numpy as np


def svm_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    margins = np.maximum(0, scores - scores[np.arange(N), y][:, None] + 1)
    margins[np.arange(N), y] = 0
    loss = margins.sum() / N + reg * np.sum(W * W)
    violated = (margins > 0).astype(float)
    violated[np.arange(N), y] = -violated.sum(axis=1)
    dW = X.T @ violated / N + reg * W
    return loss, dW
