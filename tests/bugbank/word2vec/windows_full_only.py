"""CBOW windows only where the window fits inside the sequence: the first and last words are
never centres."""

FAILS = {"cbow_windows/order", "cbow_windows/short_sequences", "cbow_windows/vs_reference"}
MAY_FAIL = {"cbow_update/planted_topics"}
HINTS = {"cbow_windows/order": "the ends included"}

import numpy as np


def cbow_windows(tokens, window):
    tokens = np.asarray(tokens, dtype=np.int64)
    offsets = np.r_[np.arange(-window, 0), np.arange(1, window + 1)]
    positions = np.arange(window, len(tokens) - window)
    return tokens[positions[:, None] + offsets].reshape(-1, 2 * window), tokens[positions]
