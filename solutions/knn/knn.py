"""k-nearest neighbours (lecture notes 1.4).

To classify an unknown point, look at the k known points closest to it and take the label that
occurs most often among them. With k = 3 in the notes' picture, two triangles and one square are
inside the circle, so the point is a triangle; with k = 5, three squares outweigh two triangles.

Implement the three functions below. Work with NumPy; do not modify your inputs.
"""

import numpy as np


def compute_distances(X_train, X_test):
    """Euclidean distance between every test row and every training row.

    Args:
        X_train: (M, D) array, M training points with D features each.
        X_test: (N, D) array, N test points with the same D features.
            Integer arrays (for example uint8 pixels) are converted to float64 first, so that
            squaring a value cannot overflow.

    Returns:
        dists: (N, M) float array with ``dists[i, j] = ||X_test[i] - X_train[j]||_2``.
            Row i belongs to test point i, column j to training point j.

    Conventions:
        - No Python loops are needed: expand ``||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b`` and
          compute all the dot products with one matrix product.
        - Rounding can make the expanded squared distance slightly negative when two rows are
          (nearly) equal. Clip it at 0 before the square root: the result must never be NaN,
          and a test row equal to a training row gives 0 there (up to rounding).
        - Do not modify X_train or X_test.
    """
    ### BEGIN SOLUTION
    X_train, X_test = np.asarray(X_train), np.asarray(X_test)
    for name, X in (("X_train", X_train), ("X_test", X_test)):
        if X.ndim != 2 or X.dtype.kind not in "biuf":
            raise ValueError(f"{name} must be a 2-D array of numbers (rows, D); got shape {X.shape}, dtype {X.dtype}")
    X_train, X_test = X_train.astype(np.float64, copy=False), X_test.astype(np.float64, copy=False)
    if X_train.shape[1] != X_test.shape[1]:
        raise ValueError(
            f"X_train and X_test must have the same number of features D; got X_train with "
            f"shape {X_train.shape} and X_test with shape {X_test.shape}"
        )
    train_sq = np.einsum("ij,ij->i", X_train, X_train)
    test_sq = np.einsum("ij,ij->i", X_test, X_test)
    sq = X_test @ X_train.T
    sq *= -2.0
    sq += test_sq[:, None]
    sq += train_sq[None, :]
    np.maximum(sq, 0.0, out=sq)
    return np.sqrt(sq, out=sq)
    ### END SOLUTION


def knn_predict(X_train, y_train, X_test, k=1):
    """Predict a label for every test row by a majority vote of its k nearest training rows.

    Args:
        X_train: (M, D) array of training points.
        y_train: (M,) array of non-negative integer labels, ``y_train[j]`` for ``X_train[j]``.
        X_test: (N, D) array of test points.
        k: number of neighbours that vote, ``1 <= k <= M``.

    Returns:
        y_pred: (N,) array of an integer dtype; ``y_pred[i]`` is the label predicted for
            ``X_test[i]``.

    Conventions:
        - Distances are Euclidean (use your ``compute_distances``).
        - The label occurring most often among the k nearest training points wins; a tie in
          the vote goes to the smallest label (``np.bincount(...).argmax()`` does exactly that).
        - Training points tied at the k-th smallest distance may be taken in any order.
        - Raises ``ValueError`` (with a message naming k) unless ``1 <= k <= M``.
        - Does not modify its inputs.
    """
    ### BEGIN SOLUTION
    M = np.shape(X_train)[0] if np.ndim(X_train) == 2 else -1
    y_train = np.asarray(y_train)
    if y_train.shape != (M,) or y_train.dtype.kind not in "iu" or (M > 0 and y_train.min() < 0):
        raise ValueError(f"y_train must hold one non-negative integer label per row of X_train; got shape "
                         f"{y_train.shape}, dtype {y_train.dtype} for X_train of shape {np.shape(X_train)}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"k must be an integer; got {k!r}")
    if not 1 <= k <= M:
        raise ValueError(f"k must satisfy 1 <= k <= M = {M} (the number of training points); got k={k}")
    dists = compute_distances(X_train, X_test)
    N = dists.shape[0]
    nearest = np.argpartition(dists, k - 1, axis=1)[:, :k]  # (N, k), in no particular order
    votes = np.zeros((N, int(y_train.max()) + 1), dtype=np.intp)
    np.add.at(votes, (np.arange(N)[:, None], y_train[nearest]), 1)
    return votes.argmax(axis=1)  # argmax takes the first, i.e. smallest, label among ties
    ### END SOLUTION


def cross_validate_k(X, y, k_choices, num_folds=5):
    """Estimate the accuracy of every k in ``k_choices`` by num_folds-fold cross-validation.

    Args:
        X: (N, D) array of points.
        y: (N,) array of non-negative integer labels.
        k_choices: the values of k to try (each must be valid for the training part of
            every split).
        num_folds: number of folds, ``2 <= num_folds <= N``.

    Returns:
        A dict ``{k: [accuracy on fold 0, ..., accuracy on fold num_folds - 1]}`` with one key
        per entry of k_choices; each accuracy is a float in [0, 1], the fraction of the fold's
        rows that ``knn_predict`` labels correctly.

    Conventions:
        - The folds are ``np.array_split(X, num_folds)`` and ``np.array_split(y, num_folds)``:
          consecutive rows in their original order, no shuffling.
        - For fold i, predict the rows of fold i from the rows of all other folds (training
          never sees the rows it is validated on).
        - Does not modify its inputs.
    """
    ### BEGIN SOLUTION
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (N, D) and y (N,); got X of shape {X.shape} and y of shape {y.shape}")
    if isinstance(num_folds, bool) or not isinstance(num_folds, (int, np.integer)):
        raise ValueError(f"num_folds must be an integer; got {num_folds!r}")
    if not 2 <= num_folds <= X.shape[0]:
        raise ValueError(f"num_folds must satisfy 2 <= num_folds <= N = {X.shape[0]}; got {num_folds}")
    X_folds = np.array_split(X, num_folds)
    y_folds = np.array_split(y, num_folds)
    accuracies = {k: [] for k in k_choices}
    for i in range(num_folds):
        X_train = np.concatenate(X_folds[:i] + X_folds[i + 1:])
        y_train = np.concatenate(y_folds[:i] + y_folds[i + 1:])
        for k in k_choices:
            y_pred = knn_predict(X_train, y_train, X_folds[i], k=k)
            accuracies[k].append(float(np.mean(y_pred == y_folds[i])))
    return accuracies
    ### END SOLUTION
