"""log(sigmoid(z)) taken literally: overflow warnings, log(0), inf or nan for large logits."""

FAILS = {"bce_with_logits/large_logits", "bce_with_logits/vs_reference"}

import numpy as np


def bce_with_logits(logits, targets):
    p = 1 / (1 + np.exp(-logits))
    loss = -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    return float(loss), (p - targets) / len(logits)
