"""Differentiates the penalty reg * W**2 as reg * W."""
FAILS = {"softmax_loss/values_with_penalty", "softmax_loss/numeric_gradient", "softmax_loss/vs_reference"}
HINTS = {"softmax_loss/values_with_penalty": "half what it should be"}

import numpy as np

_reference_softmax_loss = softmax_loss


def softmax_loss(W, X, y, reg):
    loss, dW = _reference_softmax_loss(W, X, y, reg)
    return loss, dW - reg * W
