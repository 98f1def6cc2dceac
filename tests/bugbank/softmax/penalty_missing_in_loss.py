"""Adds the penalty's gradient to dW but forgets the penalty in the loss."""
FAILS = {"softmax_loss/values_with_penalty", "softmax_loss/numeric_gradient", "softmax_loss/vs_reference"}
HINTS = {"softmax_loss/values_with_penalty": "the penalty is missing from the loss"}

import numpy as np

_reference_softmax_loss = softmax_loss


def softmax_loss(W, X, y, reg):
    loss, dW = _reference_softmax_loss(W, X, y, reg)
    return loss - reg * np.sum(W * W), dW
