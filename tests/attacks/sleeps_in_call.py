"""Sleeps in a call: no CPU time used, so only the clock can stop it."""
EXPECTED_SCORE = "lower"  # than the same wrong code without the attack
import time as _time


def cross_validate_k(X, y, k_choices, num_folds=5):
    _time.sleep(3600)
