"""Every tolerance the autograder uses, in one table, per kind of check.

All numeric comparisons happen in float64. An element passes when
``|actual - expected| <= atol + rtol * |expected|`` (the rule of ``numpy.isclose``, with the
bound computed from the expected value only, so that a wrong answer cannot widen it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float
    why: str

    def bound(self, expected) -> np.ndarray:
        return self.atol + self.rtol * np.abs(np.asarray(expected, dtype=np.float64))

    def __str__(self) -> str:
        return f"atol={self.atol:g}, rtol={self.rtol:g}"


TOLERANCES: dict[str, Tolerance] = {
    # A forward value against the reference or PyTorch, both float64. Loose enough for another
    # correct order of summation, tight enough to catch float32 arithmetic (~1e-7 relative).
    "value": Tolerance(rtol=1e-9, atol=1e-12, why="float64 forward values"),
    # An analytic gradient against central differences of the same function (step below).
    "numeric_gradient": Tolerance(rtol=1e-5, atol=1e-7, why="central differences, step 1e-6"),
    # An analytic gradient against the reference or torch autograd.
    "gradient": Tolerance(rtol=1e-8, atol=1e-11, why="float64 gradients"),
    # Parameters and losses after PyTorch optimiser steps taken by the student's code and by the
    # contract's, both float64 (Adam divides by the root of small second moments).
    "optimiser_step": Tolerance(rtol=1e-6, atol=1e-6, why="float64 parameters after optimiser steps"),
}

# Central-difference step for numeric gradients (float64 inputs of order 1).
GRADCHECK_STEP = 1e-6
# Coordinates sampled per input by a numeric gradient check when the input is larger than this.
GRADCHECK_MAX_COORDINATES = 40

# Euclidean distances computed as sqrt(|a|^2 + |b|^2 - 2 a.b) lose precision when a and b are
# close relative to their norms: the squared distance carries an absolute error of a few
# eps * (|a|^2 + |b|^2). A squared-distance error of up to this many such units is rounding.
DISTANCE_ROUNDING_UNITS = 256.0

# End-to-end checks: accuracy may fall short of the reference (or of scikit-learn) by at most
# this much (ties between equally distant neighbours may be broken differently).
ACCURACY_MARGIN = 0.01


def distance_tolerance(X_train: np.ndarray, X_test: np.ndarray, distances: np.ndarray) -> np.ndarray:
    """Per-element tolerance (N, M) for Euclidean distances between test and training rows.

    ``distances`` are the exact distances. With E = units * eps * (|a|^2 + |b|^2) the error a
    correct expansion may make in the squared distance, the error in the distance d is at most
    min(sqrt(E), E / d); a relative term covers ordinary rounding of d itself.
    """
    a = np.einsum("ij,ij->i", X_test, X_test)[:, None]
    b = np.einsum("ij,ij->i", X_train, X_train)[None, :]
    squared_error = DISTANCE_ROUNDING_UNITS * EPS * (a + b)
    with np.errstate(divide="ignore", invalid="ignore"):
        from_square = np.where(distances > 0, squared_error / distances, np.inf)
    return np.minimum(np.sqrt(squared_error), from_square) + 1e-12 * distances + 1e-300
