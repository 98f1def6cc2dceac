"""Builds dW in W's own memory (dW = W; dW *= 2 * reg; ...): the returned dW is right, but the
caller's W is overwritten."""
FAILS = {"svm_loss/inputs_untouched"}
HINTS = {"svm_loss/inputs_untouched": "work on a copy"}

import numpy as np


def svm_loss(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    margins = np.maximum(0, scores - scores[np.arange(N), y][:, None] + 1)
    margins[np.arange(N), y] = 0
    loss = margins.sum() / N + reg * np.sum(W * W)
    violated = (margins > 0).astype(float)
    violated[np.arange(N), y] = -violated.sum(axis=1)
    dW = W
    dW *= 2 * reg
    dW += X.T @ violated / N
    return loss, dW
