"""Counts a margin of exactly 0 as a violation in dW (>= instead of >)."""
FAILS = {"svm_loss/zero_margin"}
HINTS = {"svm_loss/zero_margin": "not >= 0"}

import numpy as np


def svm_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    margins = scores - scores[np.arange(N), y][:, None] + 1
    margins[np.arange(N), y] = -1
    loss = np.maximum(0, margins).sum() / N + reg * np.sum(W * W)
    violated = (margins >= 0).astype(float)
    violated[np.arange(N), y] = -violated.sum(axis=1)
    dW = X.T @ violated / N + 2 * reg * W
    return loss, dW
