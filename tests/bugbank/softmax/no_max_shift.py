"""Exponentiates the raw scores: exp overflows to inf, inf/inf is nan."""
FAILS = {"softmax_loss/stability"}
HINTS = {"softmax_loss/stability": "subtract each row's maximum"}

import numpy as np


def softmax_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y])) + reg * np.sum(W * W)
    probs[np.arange(N), y] -= 1
    return loss, X.T @ probs / N + 2 * reg * W
