"""Computes in float32."""
FAILS = {"svm_loss/values_without_penalty", "svm_loss/values_with_penalty", "svm_loss/numeric_gradient",
         "svm_loss/vs_reference"}  # not zero_margin: its small integers are exact in float32 too

import numpy as np

_reference_svm_loss = svm_loss


def svm_loss(W, X, y, reg):
    loss, dW = _reference_svm_loss(W.astype(np.float32), X.astype(np.float32), y, np.float32(reg))
    return float(loss), dW.astype(np.float64)
