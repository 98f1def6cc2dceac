"""Forgets the +1: max(0, s_j - s_y)."""
FAILS = {"svm_loss/values_without_penalty", "svm_loss/values_with_penalty", "svm_loss/sanity",
         "svm_loss/zero_margin", "svm_loss/vs_reference",
         "svm_loss/digits_training"}  # without a margin SGD stops early; on the hidden split it stays within 1%
HINTS = {"svm_loss/values_without_penalty": "the margin is missing"}

import numpy as np


def svm_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    margins = np.maximum(0, scores - scores[np.arange(N), y][:, None])
    margins[np.arange(N), y] = 0
    loss = margins.sum() / N + reg * np.sum(W * W)
    violated = (margins > 0).astype(float)
    violated[np.arange(N), y] = -violated.sum(axis=1)
    dW = X.T @ violated / N + 2 * reg * W
    return loss, dW
