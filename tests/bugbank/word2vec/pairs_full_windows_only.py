"""Only positions with a full window on both sides: the first and last words lose their pairs."""

FAILS = {"skipgram_pairs/order", "skipgram_pairs/short_sequences", "skipgram_pairs/vs_reference"}
HINTS = {"skipgram_pairs/order": "nothing dropped near the ends"}

import numpy as np


def skipgram_pairs(tokens, window):
    tokens = np.asarray(tokens)
    offsets = np.r_[np.arange(-window, 0), np.arange(1, window + 1)]
    positions = np.arange(window, len(tokens) - window)
    centers = np.repeat(tokens[positions], len(offsets))
    contexts = tokens[(positions[:, None] + offsets).ravel()]
    return centers, contexts
