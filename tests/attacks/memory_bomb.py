"""Allocates without bound in a call (a list of ever more 100 MB arrays, touched)."""
EXPECTED_SCORE = "lower"  # than the same wrong code without the attack
import numpy as _np


def cross_validate_k(X, y, k_choices, num_folds=5):
    hoard = []
    while True:
        hoard.append(_np.ones(100 * 2**20 // 8))
