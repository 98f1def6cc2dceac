"""A partly wrong SVM submission: the data part is right, but the penalty's gradient is reg * W
instead of 2 * reg * W."""

import numpy as np


def svm_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    margins = np.maximum(0, scores - scores[np.arange(N), y][:, None] + 1)
    margins[np.arange(N), y] = 0
    loss = margins.sum() / N + reg * np.sum(W * W)
    counts = (margins > 0).astype(float)
    counts[np.arange(N), y] = -counts.sum(axis=1)
    dW = X.T @ counts / N + reg * W
    return loss, dW
