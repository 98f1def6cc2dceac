"""compute_distances is right but issues a warning every call (warnings are captured, not printed)."""
import warnings

_reference_compute_distances = compute_distances


def compute_distances(X_train, X_test):
    warnings.warn("I am a warning from student code")
    return _reference_compute_distances(X_train, X_test)
