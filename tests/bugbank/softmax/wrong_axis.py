"""Normalises over the samples (axis=0) instead of over the classes."""
FAILS = {"softmax_loss/values_without_penalty", "softmax_loss/values_with_penalty", "softmax_loss/sanity",
         "softmax_loss/vs_reference", "softmax_loss/stability", "softmax_loss/digits_training",
         "softmax_loss/digits_vs_reference"}
HINTS = {"softmax_loss/values_without_penalty": "wrong axis"}

import numpy as np


def softmax_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    scores = scores - scores.max(axis=0, keepdims=True)
    log_probs = scores - np.log(np.sum(np.exp(scores), axis=0, keepdims=True))
    loss = -np.mean(log_probs[np.arange(N), y]) + reg * np.sum(W * W)
    onehot = np.zeros_like(scores)
    onehot[np.arange(N), y] = 1
    dscores = np.exp(log_probs) * onehot.sum(axis=0, keepdims=True) - onehot
    return loss, X.T @ dscores / N + 2 * reg * W
