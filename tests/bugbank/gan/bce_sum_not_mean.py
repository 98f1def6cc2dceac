"""The loss summed over the samples instead of averaged (and its gradient not divided by N)."""

FAILS = {"bce_with_logits/values", "bce_with_logits/large_logits", "bce_with_logits/vs_reference"}
HINTS = {"bce_with_logits/values": "the mean over the N samples"}

import numpy as np


def bce_with_logits(logits, targets):
    z, t = np.asarray(logits, float), np.asarray(targets, float)
    loss = np.sum(t * np.logaddexp(0, -z) + (1 - t) * np.logaddexp(0, z))
    return float(loss), 0.5 * (1 + np.tanh(z / 2)) - t
