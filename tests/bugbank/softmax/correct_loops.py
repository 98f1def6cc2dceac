"""Correct, with a loop over the samples and a stable per-sample softmax."""
FAILS = set()

import numpy as np


def softmax_loss(W, X, y, reg):
    N = X.shape[0]
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(N):
        scores = X[i] @ W
        scores = scores - np.max(scores)
        log_sum = np.log(np.sum(np.exp(scores)))
        loss += log_sum - scores[y[i]]
        probs = np.exp(scores - log_sum)
        probs[y[i]] -= 1
        dW += np.outer(X[i], probs)
    return loss / N + reg * np.sum(W * W), dW / N + 2 * reg * W
