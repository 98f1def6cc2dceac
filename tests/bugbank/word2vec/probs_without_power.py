"""The unigram distribution itself, without the 0.75 power."""

FAILS = {"negative_sampling_probs/values", "negative_sampling_probs/zero_counts"}
HINTS = {"negative_sampling_probs/values": "raise the counts to the power"}

import numpy as np


def negative_sampling_probs(counts, power=0.75):
    counts = np.asarray(counts, dtype=float)
    return counts / counts.sum()
