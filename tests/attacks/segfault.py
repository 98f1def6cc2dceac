"""Crashes the interpreter with a segmentation fault inside a call."""
EXPECTED_SCORE = "lower"  # than the same wrong code without the attack
import ctypes as _ctypes


def cross_validate_k(X, y, k_choices, num_folds=5):
    _ctypes.string_at(0)
