"""Backpropagates straight through the ReLU (forgets its backward)."""
FAILS = {"two_layer_net/loss_and_grads", "two_layer_net/numeric_gradient", "two_layer_net/vs_reference"}
# (gradients through dead units still train the digits to within the margin: the values catch it)

import numpy as np


def two_layer_net(params, X, y=None, reg=0.0):
    hidden, cache1 = affine_forward(X, params["W1"], params["b1"])
    activated, _ = relu_forward(hidden)
    scores, cache2 = affine_forward(activated, params["W2"], params["b2"])
    if y is None:
        return scores
    N = X.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean() + reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    dactivated, dW2, db2 = affine_backward(dscores / N, cache2)
    _, dW1, db1 = affine_backward(dactivated, cache1)
    return float(loss), {"W1": dW1 + 2 * reg * params["W1"], "b1": db1, "W2": dW2 + 2 * reg * params["W2"], "b2": db2}
