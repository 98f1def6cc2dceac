"""The sequence padded with np.pad's default, 0: word 0 stands in for the missing words at both
ends."""

FAILS = {"cbow_windows/order", "cbow_windows/short_sequences", "cbow_windows/vs_reference"}
MAY_FAIL = {"cbow_update/planted_topics"}
HINTS = {"cbow_windows/order": "marks it -1"}

import numpy as np


def cbow_windows(tokens, window):
    tokens = np.asarray(tokens, dtype=np.int64)
    if len(tokens) < 2:
        return np.zeros((0, 2 * window), dtype=np.int64), tokens[:0]
    padded = np.pad(tokens, window)
    offsets = np.r_[np.arange(-window, 0), np.arange(1, window + 1)]
    positions = np.arange(len(tokens)) + window
    return padded[positions[:, None] + offsets], tokens
