"""Computes in float32."""
FAILS = {"softmax_loss/values_without_penalty", "softmax_loss/values_with_penalty", "softmax_loss/numeric_gradient",
         "softmax_loss/vs_reference", "softmax_loss/stability"}

import numpy as np

_reference_softmax_loss = softmax_loss


def softmax_loss(W, X, y, reg):
    loss, dW = _reference_softmax_loss(W.astype(np.float32), X.astype(np.float32), y, np.float32(reg))
    return float(loss), dW.astype(np.float64)
