"""Softmax classifier: cross-entropy on probabilities from scores (lecture notes 2.5.1).

The same linear scores ``s = X @ W`` are turned into probabilities,
``p_ij = exp(s_ij) / sum_k exp(s_ik)``, and each sample pays ``-log p_{i, y_i}``: nothing when
it is sure of the right class, a lot when it is sure of a wrong one. With the L2 penalty
``reg * sum(W**2)`` as for the SVM.

``exp`` overflows for scores above about 709, and a probability that underflows to 0 has an
infinite log: compute ``log p`` directly, through the log-sum-exp of the scores shifted by their
row maximum.
"""

import numpy as np


def softmax_loss(W, X, y, reg):
    """Softmax cross-entropy loss with L2 penalty, and its gradient.

    Args:
        W: (D, C) weights, one column per class.
        X: (N, D) samples, one row each.
        y: (N,) integer labels in [0, C) (int32 or int64).
        reg: float >= 0, the strength of the penalty.

    Returns:
        loss: a float (Python or NumPy scalar, not an array):
            ``mean_i -log softmax(s_i)[y_i] + reg * sum(W**2)`` with ``s = X @ W``.
        dW: (D, C) array, the gradient of loss with respect to W.

    Conventions:
        - Stable: finite and accurate (no overflow, no log of an underflowed probability, no
          warning) when the scores of a sample differ by up to 1e4.
        - The penalty's gradient is ``2 * reg * W``.
        - Does not modify W, X or y.
    """
    # YOUR CODE HERE
    raise NotImplementedError("softmax_loss is not implemented yet: replace this line with your code.")
