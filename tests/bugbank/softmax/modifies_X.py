"""Scales X in place to "normalise" it after computing: the caller's X changes."""
FAILS = {"softmax_loss/inputs_untouched"}
HINTS = {"softmax_loss/inputs_untouched": "work on a copy"}

import numpy as np

_reference_softmax_loss = softmax_loss


def softmax_loss(W, X, y, reg):
    loss, dW = _reference_softmax_loss(W, X, y, reg)
    X *= 1.0000001  # "harmless" in-place tweak; the caller's X changes
    return loss, dW
