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
    # YOUR CODE HERE
    raise NotImplementedError("compute_distances is not implemented yet: replace this line with your code.")


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
    # YOUR CODE HERE
    raise NotImplementedError("knn_predict is not implemented yet: replace this line with your code.")


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
    # YOUR CODE HERE
    raise NotImplementedError("cross_validate_k is not implemented yet: replace this line with your code.")
