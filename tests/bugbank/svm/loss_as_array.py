"""Returns the loss as a one-element array (np.sum(..., keepdims=True))."""
FAILS = {"svm_loss/shape_types", "svm_loss/values_without_penalty", "svm_loss/values_with_penalty",
         "svm_loss/numeric_gradient", "svm_loss/sanity", "svm_loss/digits_training", "svm_loss/zero_margin",
         "svm_loss/vs_reference", "svm_loss/digits_vs_reference"}
HINTS = {"svm_loss/shape_types": "return a scalar"}

import numpy as np

_reference_svm_loss = svm_loss


def svm_loss(W, X, y, reg):
    loss, dW = _reference_svm_loss(W, X, y, reg)
    return np.array([loss]), dW
