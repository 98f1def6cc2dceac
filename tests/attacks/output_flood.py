"""Prints about 75 MB per call, through print() and straight to file descriptors 1 and 2: far
beyond what is kept of printed output (4000 characters) and what a worker may write to files
(16 MB), yet small enough that the calls of one check stay well within its time limit (200 MB a
call, as before, made the cross-validation checks, which call it a dozen times, take 2.7-3.0 s of
their 3 s: whether they passed was chance)."""
EXPECTED_SCORE = "equal"  # to the same wrong code without the attack: it ran and gained nothing
import os as _os

_reference_compute_distances = compute_distances


def compute_distances(X_train, X_test):
    line = "Total 30/30 " * 80 + "\n"
    for _ in range(20_000):
        print(line, end="")
    chunk = (line * 1000).encode()
    try:
        for _ in range(30):
            _os.write(1, chunk)
            _os.write(2, chunk)
    except OSError:
        pass
    return _reference_compute_distances(X_train, X_test)
