"""Multiclass SVM: the hinge loss with its +1 margin and the L2 penalty (lecture notes 2.1-2.4).

The score function is linear, ``s = X @ W``: one row of scores per sample, one column per
class. The loss of sample i adds, over every wrong class j, how far s_j comes within 1 of the
correct class's score: ``max(0, s_j - s_{y_i} + 1)``. The +1 asks for a margin: a correct class
that wins by less than 1 still costs something. The penalty ``reg * sum(W**2)`` keeps the
weights small and smooth, so that the classifier does not lean on a few pixels.

Implement ``svm_loss`` without Python loops over samples or classes.
"""

import numpy as np


def svm_loss(W, X, y, reg):
    """Multiclass hinge loss with L2 penalty, and its gradient.

    Args:
        W: (D, C) weights, one column per class.
        X: (N, D) samples, one row each.
        y: (N,) integer labels in [0, C) (int32 or int64).
        reg: float >= 0, the strength of the penalty (lambda in the notes).

    Returns:
        loss: a float (Python or NumPy scalar, not an array):
            ``mean_i sum_{j != y_i} max(0, s_ij - s_iy_i + 1) + reg * sum(W**2)`` with ``s = X @ W``.
        dW: (D, C) array, the gradient of loss with respect to W.

    Conventions:
        - The correct class is not part of the sum (its term would always be exactly 1).
        - A margin of exactly 0 is not a violation: it contributes 0 to the loss and to dW.
        - The penalty's gradient is ``2 * reg * W``.
        - Does not modify W, X or y.
    """
    ### BEGIN SOLUTION
    N = X.shape[0]
    scores = X @ W
    correct = scores[np.arange(N), y][:, None]
    margins = scores - correct + 1.0
    margins[np.arange(N), y] = 0.0
    violated = margins > 0
    loss = np.sum(margins[violated]) / N + reg * np.sum(W * W)
    coefficients = violated.astype(W.dtype)
    coefficients[np.arange(N), y] = -coefficients.sum(axis=1)
    dW = X.T @ coefficients / N + 2.0 * reg * W
    return float(loss), dW
    ### END SOLUTION
