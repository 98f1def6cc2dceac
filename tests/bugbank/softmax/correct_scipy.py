"""Correct, with scipy.special.logsumexp and a one-hot matrix."""
FAILS = set()

import numpy as np
from scipy.special import logsumexp


def softmax_loss(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    scores = X @ W
    log_probs = scores - logsumexp(scores, axis=1, keepdims=True)
    onehot = np.eye(C)[y]
    loss = -np.sum(onehot * log_probs) / N + reg * np.sum(W ** 2)
    return float(loss), X.T @ (np.exp(log_probs) - onehot) / N + 2 * reg * W
