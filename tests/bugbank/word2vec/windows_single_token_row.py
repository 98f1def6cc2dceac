"""A row for every position, even one whose window holds no other word: a sequence of one token
gives a window of padding only."""

FAILS = {"cbow_windows/short_sequences", "cbow_windows/vs_reference"}
HINTS = {"cbow_windows/short_sequences": "no row for a position with no other token"}

import numpy as np


def cbow_windows(tokens, window):
    tokens = np.asarray(tokens, dtype=np.int64)
    rows = []
    for t in range(len(tokens)):
        rows.append([tokens[t + o] if 0 <= t + o < len(tokens) else -1
                     for o in [*range(-window, 0), *range(1, window + 1)]])
    return np.array(rows, dtype=np.int64).reshape(-1, 2 * window), tokens.copy()
