"""compute_distances calls sys.exit(0): costs compute_distances' checks (and those of the
functions that call it), nothing else, and grading goes on."""
import sys


def compute_distances(X_train, X_test):
    sys.exit(0)
