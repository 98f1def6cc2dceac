"""Leaves the correct class in the sum: every sample adds max(0, 1) = 1 to the loss."""
FAILS = {"svm_loss/values_without_penalty", "svm_loss/values_with_penalty", "svm_loss/sanity",
         "svm_loss/zero_margin", "svm_loss/vs_reference"}
HINTS = {"svm_loss/values_without_penalty": "larger by exactly 1 per sample"}

import numpy as np


def svm_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    margins = np.maximum(0, scores - scores[np.arange(N), y][:, None] + 1)
    loss = margins.sum() / N + reg * np.sum(W * W)
    violated = (margins > 0).astype(float)
    violated[np.arange(N), y] = 0
    violated[np.arange(N), y] = -violated.sum(axis=1)
    dW = X.T @ violated / N + 2 * reg * W
    return loss, dW
