"""Contexts taken modulo T (np.roll): the window wraps around from the end to the start."""

FAILS = {"skipgram_pairs/order", "skipgram_pairs/short_sequences", "skipgram_pairs/vs_reference"}

import numpy as np


def skipgram_pairs(tokens, window):
    tokens = np.asarray(tokens)
    offsets = [o for o in range(-window, window + 1) if o != 0]
    if len(tokens) == 0:
        return tokens.astype(int), tokens.astype(int)
    contexts = np.stack([np.roll(tokens, -o) for o in offsets], axis=1)
    centers = np.repeat(tokens[:, None], len(offsets), axis=1)
    return centers.ravel(), contexts.ravel()
