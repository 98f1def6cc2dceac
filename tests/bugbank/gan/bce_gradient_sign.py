"""dlogits = (t - sigmoid(z)) / N: the gradient's sign reversed."""

FAILS = {"bce_with_logits/values", "bce_with_logits/large_logits", "bce_with_logits/numeric_gradient",
         "bce_with_logits/vs_reference"}
HINTS = {"bce_with_logits/values": "the sign is reversed"}

import numpy as np


def bce_with_logits(logits, targets):
    loss = np.mean(targets * np.logaddexp(0, -logits) + (1 - targets) * np.logaddexp(0, logits))
    sig = np.exp(-np.logaddexp(0, -logits))
    return float(loss), (targets - sig) / len(logits)
