"""Shifts by the maximum (no overflow) but takes the log of probabilities that underflow to 0."""
FAILS = {"softmax_loss/stability"}
HINTS = {"softmax_loss/stability": "compute log p directly"}

import numpy as np


def softmax_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y])) + reg * np.sum(W * W)
    probs[np.arange(N), y] -= 1
    return loss, X.T @ probs / N + 2 * reg * W
