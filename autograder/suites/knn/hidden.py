"""Hidden checks of the kNN assignment: the instructor's copy only, never in a student bundle.

These compare with the reference solution on random data, where public checks could only use
hand-built cases, and cover what the docstrings promise but the public checks do not show.
"""

from __future__ import annotations

import numpy as np

from ...core.memo import remember_reference
from ...core.tolerances import TOLERANCES, distance_tolerance
from ...core.verdicts import (
    Hint,
    case,
    expect_accuracy,
    expect_close,
    expect_equal,
    expect_finite,
)
from .public import (
    CLIP_HINT,
    VoteCase,
    accuracy_table,
    call_distances,
    call_predict,
    digits_accuracy,
    distance_hints,
    exact_distances,
    suite,
)


@suite.check("compute_distances/vs_reference", points=2, reference=True)
def distances_vs_reference(ctx):
    """Larger and oddly shaped inputs (non-contiguous, D=1000) agree with the reference."""
    rng = np.random.default_rng(101)
    cases = [
        ("M=200, N=80, D=30", rng.normal(size=(200, 30)), rng.normal(size=(80, 30))),
        ("M=3, N=2, D=1000, values ~1e3", rng.normal(size=(3, 1000)) * 1e3, rng.normal(size=(2, 1000)) * 1e3),
        ("M=9, N=11, D=6, Fortran-ordered views", np.asfortranarray(rng.normal(size=(9, 6))),
         rng.normal(size=(6, 11)).T),
        ("M=40, N=40, D=2, X_test is X_train", *(2 * [rng.uniform(-5, 5, size=(40, 2))])),
    ]
    for label, X_train, X_test in cases:
        with case(label):
            dists = call_distances(ctx, X_train, X_test)
            expected = ctx.reference.call("compute_distances", X_train, X_test).value
            exact = exact_distances(np.ascontiguousarray(X_train), np.ascontiguousarray(X_test))
            tol = distance_tolerance(X_train, X_test, exact) * 2  # both sides may round
            expect_finite(dists, "dists", "compute_distances", CLIP_HINT)
            expect_close(dists, expected, "dists", "compute_distances", tolerance=tol, source="the reference",
                         hints=distance_hints(X_train, X_test, exact, tol))


@suite.check("compute_distances/integer_pixels", points=1)
def distances_integers(ctx):
    """uint8 images (as the docstring promises): no overflow, same distances as in float64."""
    rng = np.random.default_rng(102)
    X_train = rng.integers(0, 256, size=(10, 48), dtype=np.uint8)
    X_test = rng.integers(0, 256, size=(4, 48), dtype=np.uint8)
    with case("uint8 pixels 0..255, M=10, N=4, D=48"):
        dists = call_distances(ctx, X_train, X_test)
        expected = exact_distances(X_train.astype(np.float64), X_test.astype(np.float64))
        tol = distance_tolerance(X_train.astype(np.float64), X_test.astype(np.float64), expected)
        expect_close(dists, expected, "dists", "compute_distances", tolerance=tol, source="torch.cdist in float64",
                     hints=[Hint("knn/uint8_overflow", "uint8 arithmetic wraps around at 256 (and squares overflow): "
                                 "convert integer inputs to float64 before any arithmetic, as the "
                                 "contract says.")])


@suite.check("knn_predict/vs_reference", points=2, reference=True)
def predict_vs_reference(ctx):
    """Random data, labels {0, 3, 7, 12} (not 0..C-1), k from 1 to M: same labels as the reference."""
    rng = np.random.default_rng(103)
    for trial in range(4):
        M, N, D = int(rng.integers(8, 40)), int(rng.integers(1, 25)), int(rng.integers(1, 6))
        X_train, X_test = rng.normal(size=(M, D)), rng.normal(size=(N, D))
        y_train = rng.choice(np.array([0, 3, 7, 12], dtype=np.int32), size=M)
        for k in sorted({1, 2, 4, 7, M}):
            with case(f"trial {trial}: M={M}, N={N}, D={D}, k={k}"):
                y_pred = call_predict(ctx, X_train, y_train, X_test, k)
                expected = ctx.reference.call("knn_predict", X_train, y_train, X_test, k=k).value
                expect_equal(y_pred, expected, "y_pred", "knn_predict", source="the reference")


@suite.check("knn_predict/random_ties", points=1, reference=True)
def predict_random_ties(ctx):
    """Many engineered vote ties (even k, three labels): the smallest label wins, as in the reference."""
    rng = np.random.default_rng(104)
    for k in (2, 4, 6):
        ranked = tuple(tuple(int(v) for v in rng.integers(0, 3, size=k + 2)) for _ in range(12))
        row = VoteCase(f"k={k}", k, ranked, ())
        X_train, y_train, X_test = row.data()
        with case(f"k={k}, 12 test points, neighbours' labels nearest first: {list(map(list, ranked))}"):
            y_pred = call_predict(ctx, X_train, y_train, X_test, k)
            expected = ctx.reference.call("knn_predict", X_train, y_train, X_test, k=k).value
            expect_equal(y_pred, expected, "y_pred", "knn_predict", source="the reference")


@suite.check("knn_predict/digits_vs_reference", points=1, reference=True)
def predict_digits_vs_reference(ctx):
    """Another split of the digits, k=3: as accurate as the reference."""
    with case("digits, seed 1, 500 test images, k=3"):
        accuracy = digits_accuracy(ctx.student, 3, seed=1)
        target = remember_reference(ctx.reference, "digits/3/1", lambda: digits_accuracy(ctx.reference, 3, seed=1))
        expect_accuracy("knn_predict", accuracy, target, "knn_predict: test accuracy {mine:.4f} is below the "
                        "reference's ({theirs:.4f}) by more than the margin {margin}.")


@suite.check("cross_validate_k/vs_reference", points=2, reference=True)
def cv_vs_reference(ctx):
    """Random data, folds of unequal size, several k: the reference's accuracies."""
    rng = np.random.default_rng(105)
    X, y = rng.normal(size=(37, 3)), rng.integers(0, 3, size=37)
    for num_folds in (3, 4, 5):
        with case(f"N=37, D=3, num_folds={num_folds}, k_choices=[1, 2, 5, 8]"):
            table = accuracy_table(ctx, X, y, [1, 2, 5, 8], num_folds)
            expected = ctx.reference.call("cross_validate_k", X, y, [1, 2, 5, 8], num_folds=num_folds).value
            for k, accuracies in table.items():
                expect_close(accuracies, np.array(expected[k]), f"result[{k}]", "cross_validate_k",
                             tolerance=TOLERANCES["value"], source="the reference")
