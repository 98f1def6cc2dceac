"""compute_distances prints about 6 MB per call (every distance, with the array's row) and
returns distances that are all 1 too large."""
_reference_compute_distances = compute_distances


def compute_distances(X_train, X_test):
    dists = _reference_compute_distances(X_train, X_test)
    for i in range(dists.shape[0]):
        for j in range(dists.shape[1]):
            print("row", i, "column", j, "distance", dists[i, j], "of", dists[i])
    return dists + 1.0
