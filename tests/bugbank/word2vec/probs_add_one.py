"""Counts smoothed by one before the power: words that never occur get drawn."""

FAILS = {"negative_sampling_probs/values", "negative_sampling_probs/zero_counts"}
HINTS = {"negative_sampling_probs/zero_counts": "never drawn"}

import numpy as np


def negative_sampling_probs(counts, power=0.75):
    weights = (np.asarray(counts, dtype=float) + 1) ** power
    return weights / weights.sum()
