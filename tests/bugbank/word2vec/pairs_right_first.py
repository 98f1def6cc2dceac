"""Offsets 1..window before -window..-1: the right pairs, in another order."""

FAILS = {"skipgram_pairs/order", "skipgram_pairs/short_sequences", "skipgram_pairs/vs_reference"}
HINTS = {"skipgram_pairs/order": "wrong order"}

import numpy as np


def skipgram_pairs(tokens, window):
    centers, contexts = [], []
    for t in range(len(tokens)):
        for offset in list(range(1, window + 1)) + list(range(-window, 0)):
            if 0 <= t + offset < len(tokens):
                centers.append(tokens[t])
                contexts.append(tokens[t + offset])
    return np.array(centers, dtype=int), np.array(contexts, dtype=int)
