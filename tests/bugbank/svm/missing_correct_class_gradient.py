"""Forgets the correct class's share of dW (only the violating columns get +X[i])."""
FAILS = {"svm_loss/values_without_penalty", "svm_loss/values_with_penalty", "svm_loss/numeric_gradient",
         "svm_loss/zero_margin", "svm_loss/vs_reference",
         "svm_loss/digits_training", "svm_loss/digits_vs_reference"}  # the wrong gradient trains worse
HINTS = {"svm_loss/values_without_penalty": "misses its share"}

import numpy as np


def svm_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    margins = np.maximum(0, scores - scores[np.arange(N), y][:, None] + 1)
    margins[np.arange(N), y] = 0
    loss = margins.sum() / N + reg * np.sum(W * W)
    dW = X.T @ (margins > 0).astype(float) / N + 2 * reg * W
    return loss, dW
