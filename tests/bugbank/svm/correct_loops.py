"""Correct, with explicit loops over samples and classes (CS231n's naive version)."""
FAILS = set()

import numpy as np


def svm_loss(W, X, y, reg):
    dW = np.zeros(W.shape)
    loss = 0.0
    N, C = X.shape[0], W.shape[1]
    for i in range(N):
        scores = X[i] @ W
        for j in range(C):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return loss / N + reg * np.sum(W * W), dW / N + 2 * reg * W
