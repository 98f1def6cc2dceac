"""Forgets the -1 at the correct class in the gradient."""
FAILS = {"softmax_loss/values_without_penalty", "softmax_loss/values_with_penalty", "softmax_loss/numeric_gradient",
         "softmax_loss/vs_reference", "softmax_loss/stability", "softmax_loss/digits_training",
         "softmax_loss/digits_vs_reference"}
HINTS = {"softmax_loss/values_without_penalty": "misses the -1"}

import numpy as np


def softmax_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    loss = -np.mean(log_probs[np.arange(N), y]) + reg * np.sum(W * W)
    return loss, X.T @ np.exp(log_probs) / N + 2 * reg * W
