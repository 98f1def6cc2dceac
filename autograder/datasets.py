"""Data sets that ship with installed packages (nothing is ever downloaded)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=8)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import (
        load_digits,  # bundled with scikit-learn: 1797 8x8 images
    )

    data = load_digits()
    return data.data.astype(np.float64), data.target.astype(np.int64)


def digits_split(seed: int, test_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's digits (pixel values 0..16, 64 features), shuffled by ``seed`` and split
    into (X_train, y_train, X_test, y_test) with ``test_size`` test rows. Fresh copies."""
    X, y = _digits()
    order = np.random.default_rng(seed).permutation(len(y))
    train, test = order[test_size:], order[:test_size]
    return X[train].copy(), y[train].copy(), X[test].copy(), y[test].copy()
