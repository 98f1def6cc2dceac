"""Sums the data loss over the samples instead of averaging it."""
FAILS = {"svm_loss/values_without_penalty", "svm_loss/values_with_penalty", "svm_loss/sanity",
         "svm_loss/zero_margin", "svm_loss/vs_reference", "svm_loss/digits_training"}
# (a loss N times larger is a learning rate N times larger: on the hidden split SGD still copes)
HINTS = {"svm_loss/values_without_penalty": "you sum over the samples"}

import numpy as np


def svm_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    margins = np.maximum(0, scores - scores[np.arange(N), y][:, None] + 1)
    margins[np.arange(N), y] = 0
    loss = margins.sum() + reg * np.sum(W * W)
    violated = (margins > 0).astype(float)
    violated[np.arange(N), y] = -violated.sum(axis=1)
    dW = X.T @ violated + 2 * reg * W
    return loss, dW
