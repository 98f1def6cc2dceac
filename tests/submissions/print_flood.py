"""compute_distances prints about 1 MB per call but is otherwise the reference's."""
_reference_compute_distances = compute_distances


def compute_distances(X_train, X_test):
    for _ in range(1000):
        print("x" * 1000)
    return _reference_compute_distances(X_train, X_test)
