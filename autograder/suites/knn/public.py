"""Public checks of the kNN assignment (students run these with ``pytest knn``).

Each check walks a table of cases; the judging is done by the core's verdicts. Expected values
come from PyTorch, scikit-learn, or the case itself (hand-built data whose answer is written in
the table) — never from reference code, which students do not have.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.checks import Suite
from ...core.tolerances import distance_tolerance
from ...core.verdicts import (
    CheckFailure,
    Hint,
    case,
    describe_value,
    expect_accuracy,
    expect_array,
    expect_close,
    expect_dtype,
    expect_equal,
    expect_finite,
    expect_raises,
    expect_shape,
    expect_unchanged,
)
from ...datasets import digits_split

suite = Suite("knn", ["compute_distances(X_train, X_test)",
                      "knn_predict(X_train, y_train, X_test, k)",
                      "cross_validate_k(X, y, k_choices, num_folds)"], "k-nearest neighbours",
              preload=["torch", "sklearn.neighbors"],
              relies_on={"knn_predict": ("compute_distances",),
                         "cross_validate_k": ("knn_predict", "compute_distances")}, seconds=0.5)

# --- compute_distances --------------------------------------------------------------------------


@dataclass(frozen=True)
class DistanceCase:
    M: int  # training rows
    N: int  # test rows
    D: int  # features
    seed: int
    scale: float = 1.0

    @property
    def label(self) -> str:
        return f"M={self.M}, N={self.N}, D={self.D}" + (f", values ~{self.scale:g}" if self.scale != 1 else "")

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        X_train = rng.normal(size=(self.M, self.D)) * self.scale
        X_test = rng.normal(size=(self.N, self.D)) * self.scale
        return X_train, X_test


DISTANCE_CASES = [
    DistanceCase(M=7, N=5, D=3, seed=0),
    DistanceCase(M=5, N=7, D=3, seed=1),
    DistanceCase(M=4, N=4, D=1, seed=2),
    DistanceCase(M=1, N=6, D=2, seed=3),
    DistanceCase(M=6, N=1, D=2, seed=4),
    DistanceCase(M=30, N=20, D=50, seed=5, scale=10.0),
]

CLIP_HINT = Hint(
    "knn/distances_not_clipped",
    "rounding can make the expanded squared distance ||a||^2 + ||b||^2 - 2 a.b slightly negative for "
    "(nearly) equal rows, and the square root of a negative number is NaN: clip at 0 first, before the "
    "square root, as the contract says.",
)


def exact_distances(X_train: np.ndarray, X_test: np.ndarray, p: float = 2.0) -> np.ndarray:
    """Distances by torch.cdist, computed from the differences (no expansion), float64."""
    import torch

    return torch.cdist(
        torch.from_numpy(X_test), torch.from_numpy(X_train), p=p, compute_mode="donot_use_mm_for_euclid_dist"
    ).numpy()


def distance_hints(X_train: np.ndarray, X_test: np.ndarray, expected: np.ndarray, tol: np.ndarray) -> list[Hint]:
    hints = [
        Hint("knn/squared_distances", "these are squared distances: take the square root (np.sqrt).").if_close(
            expected**2, tol * (2 * expected + 1)),
        Hint("knn/l1_distances",
             "these are L1 (Manhattan) distances, sums of |differences|; the contract asks for "
             "Euclidean (L2) distances, the square root of the sum of squared differences.").if_close(
            exact_distances(X_train, X_test, p=1.0), tol),
    ]
    if expected.shape[0] == expected.shape[1]:
        hints.append(Hint("knn/distances_transposed",
                          "dists looks transposed: row i is test point i, column j training point j.").if_close(
            expected.T, tol))
    return hints


def call_distances(ctx, X_train: np.ndarray, X_test: np.ndarray) -> np.ndarray:
    """The student's dists, checked for type, shape and dtype (the simplest failures first)."""
    N, M = X_test.shape[0], X_train.shape[0]
    dists = expect_array(ctx.student.call("compute_distances", X_train, X_test).value, "dists", "compute_distances")
    transposed = Hint(
        "knn/distances_transposed",
        "dists is transposed: it must be (N, M) — one row per test point, one column per training point.",
        lambda a: a.shape == (M, N),
    )
    expect_shape(dists, (N, M), "dists", "compute_distances", [transposed])
    expect_dtype(dists, "f", "dists", "compute_distances",
                 Hint("knn/distances_not_float", "distances are real numbers: return a float array."))
    return dists


@suite.check("compute_distances/shape", points=1)
def distances_shape(ctx):
    """dists is an (N, M) float array for M != N, M = 1, N = 1 and D = 1."""
    for row in DISTANCE_CASES:
        with case(row.label):
            call_distances(ctx, *row.data())


@suite.check("compute_distances/values", points=3)
def distances_values(ctx):
    """dists matches torch.cdist (float64) within rounding."""
    for row in DISTANCE_CASES:
        with case(row.label + " (compared with torch.cdist)"):
            X_train, X_test = row.data()
            dists = call_distances(ctx, X_train, X_test)
            expected = exact_distances(X_train, X_test)
            tol = distance_tolerance(X_train, X_test, expected)
            expect_finite(dists, "dists", "compute_distances", CLIP_HINT)
            expect_close(dists, expected, "dists", "compute_distances", tolerance=tol,
                         source="torch.cdist", hints=distance_hints(X_train, X_test, expected, tol))


def duplicate_rows() -> tuple[np.ndarray, np.ndarray]:
    """60 training rows with values ~1e3 (norms ~2e4); the test rows are all of them, shuffled,
    and 3 new rows. Rounding in the expansion is negative for about one duplicate in five, so a
    missing clip shows up as NaN whatever order the student sums in."""
    rng = np.random.default_rng(11)
    X_train = rng.normal(loc=2e3, scale=1e3, size=(60, 64))
    X_test = np.concatenate([X_train[rng.permutation(60)], rng.normal(loc=2e3, scale=1e3, size=(3, 64))])
    return X_train, X_test


@suite.check("compute_distances/duplicates", points=2)
def distances_duplicates(ctx):
    """Test rows equal to training rows (values ~1e3): 0 there up to rounding, never NaN."""
    X_train, X_test = duplicate_rows()
    with case("63 test rows, 60 of them copies of training rows, values ~1e3, D=64"):
        dists = call_distances(ctx, X_train, X_test)
        expect_finite(dists, "dists", "compute_distances", CLIP_HINT)
        if np.any(dists < 0):
            raise CheckFailure("compute_distances: dists has negative entries; distances are >= 0.")
        expected = exact_distances(X_train, X_test)
        tol = distance_tolerance(X_train, X_test, expected)
        expect_close(dists, expected, "dists", "compute_distances", tolerance=tol,
                     source="the exact distances (0 where a test row repeats a training row)",
                     hints=distance_hints(X_train, X_test, expected, tol))


@suite.check("compute_distances/inputs_untouched", points=1)
def distances_inputs(ctx):
    """X_train and X_test are left as they were."""
    for row in DISTANCE_CASES[:2]:
        with case(row.label):
            X_train, X_test = row.data()
            outcome = ctx.student.call("compute_distances", X_train, X_test)
            expect_unchanged("compute_distances", ["X_train", "X_test"], [X_train, X_test], outcome)


# --- knn_predict ------------------------------------------------------------------------------
#
# Hand-built votes. Every test point sits alone with its own cluster of training points at
# distances 1, 2, 3, ... (one dimension, far from the other clusters), so its neighbours, nearest
# first, have exactly the labels listed. The expected answer is written next to them, with what
# the usual mistakes answer instead.


@dataclass(frozen=True)
class VoteCase:
    title: str
    k: int
    ranked_labels: tuple[tuple[int, ...], ...]  # per test point: labels of its neighbours, nearest first
    expected: tuple[int, ...]
    mistakes: tuple[tuple[Hint, tuple[int, ...]], ...] = ()  # (hint, what the mistake answers)

    def nearest_indices(self) -> np.ndarray:
        """The row of X_train nearest to each test point (the first of its cluster)."""
        sizes = [len(ranked) for ranked in self.ranked_labels]
        return np.cumsum([0] + sizes[:-1])

    def data(self, label_dtype=np.int64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        positions, labels, tests = [], [], []
        for cluster, ranked in enumerate(self.ranked_labels):
            centre = 100.0 * cluster
            tests.append(centre)
            positions += [centre + distance for distance in range(1, len(ranked) + 1)]
            labels += list(ranked)
        X_train = np.array(positions)[:, None]
        X_test = np.array(tests)[:, None]
        return X_train, np.array(labels, dtype=label_dtype), X_test


K_PLUS_ONE = Hint("knn/k_plus_one_neighbours",
                  "your answers match a vote of the k + 1 nearest neighbours: exactly k may vote (look at where "
                  "your slice of the sorted neighbours ends).")
FARTHEST = Hint("knn/farthest_neighbours",
                "your answers match the farthest training points: np.argsort sorts ascending, the nearest come first.")
NEAREST_ONLY = Hint("knn/nearest_only",
                    "your answers match the nearest neighbour alone: all k nearest neighbours must vote.")
TIE_LARGEST = Hint("knn/tie_to_largest", "a tie in the vote must go to the smallest label (counting the votes "
                   "with np.bincount and taking the first maximum with argmax does that); yours went to the largest.")
INDICES = Hint("knn/indices_not_labels",
               "your answers look like indices of training points, not their labels: look the labels up in y_train.")
TIE_NEAREST = Hint(
    "knn/tie_to_nearest",
    "a tie in the vote must go to the smallest label, not to the label seen first (the nearest); "
    "collections.Counter.most_common and 'first maximum in neighbour order' do the latter."
)

VOTE_CASES = [
    VoteCase("k=1: the nearest neighbour's label", 1,
             ((3, 1, 4), (1, 5, 9), (2, 6), (5, 3, 5)), (3, 1, 2, 5),
             ((FARTHEST, (5, 5, 3, 3)), (K_PLUS_ONE, (1, 1, 2, 3)))),
    VoteCase("k=3: majority of three", 3,
             ((2, 0, 0, 1, 1, 1), (1, 1, 4, 4, 4), (7, 3, 7, 3, 3), (0, 2, 2, 0, 0)), (0, 1, 7, 2),
             ((K_PLUS_ONE, (0, 1, 3, 0)), (NEAREST_ONLY, (2, 1, 7, 0)))),
    VoteCase("k=5: majority of five", 5,
             ((4, 4, 1, 4, 1, 1, 1), (0, 1, 1, 0, 0, 2), (9, 9, 8, 8, 8, 8, 9)), (4, 0, 8),
             ((K_PLUS_ONE, (1, 0, 8)), (NEAREST_ONLY, (4, 0, 9)))),
]

TIE_CASES = [
    VoteCase("k=2: two neighbours that disagree", 2,
             ((1, 0, 5), (2, 3, 3), (6, 4), (3, 3, 0)), (0, 2, 4, 3),
             ((TIE_LARGEST, (1, 3, 6, 3)), (TIE_NEAREST, (1, 2, 6, 3)))),
    VoteCase("k=4: two-way and four-way ties", 4,
             ((5, 5, 2, 2, 2), (1, 3, 3, 1, 0), (0, 7, 4, 9, 9)), (2, 1, 0),
             ((TIE_LARGEST, (5, 3, 9)), (TIE_NEAREST, (5, 1, 0)))),
    VoteCase("k=M=6: every training point votes, 2 and 1 tie", 6,
             ((2, 2, 1, 1, 0, 3),), (1,),
             ((TIE_LARGEST, (2,)), (TIE_NEAREST, (2,)))),
]


def call_predict(ctx, X_train, y_train, X_test, k) -> np.ndarray:
    outcome = ctx.student.call("knn_predict", X_train, y_train, X_test, k=k)
    y_pred = expect_array(outcome.value, "y_pred", "knn_predict")
    expect_shape(y_pred, (X_test.shape[0],), "y_pred", "knn_predict")
    expect_dtype(y_pred, "iu", "y_pred", "knn_predict",
                 Hint("knn/labels_not_integers",
                      "labels are integers: np.zeros(...) is float by default; index y_train or use dtype=int."))
    return y_pred


def check_votes(ctx, rows: list[VoteCase]) -> None:
    for row in rows:
        for label_dtype in (np.int64, np.int32):
            with case(f"{row.title}; neighbours' labels nearest first: {list(map(list, row.ranked_labels))}; "
                      f"y_train {np.dtype(label_dtype).name}"):
                X_train, y_train, X_test = row.data(label_dtype)
                y_pred = call_predict(ctx, X_train, y_train, X_test, row.k)
                hints = [hint.if_close(np.array(answer)) for hint, answer in row.mistakes]
                hints.append(INDICES.if_close(row.nearest_indices()))
                expect_equal(y_pred, np.array(row.expected), "y_pred", "knn_predict",
                             source=f"the majority vote of the {row.k} nearest", hints=hints)


@suite.check("knn_predict/shape_dtype", points=1)
def predict_shape(ctx):
    """y_pred is an (N,) array of an integer dtype."""
    rng = np.random.default_rng(21)
    for M, N, D in [(20, 7, 3), (5, 1, 4), (3, 9, 1)]:
        with case(f"M={M}, N={N}, D={D}, k=1"):
            call_predict(ctx, rng.normal(size=(M, D)), rng.integers(0, 3, size=M), rng.normal(size=(N, D)), 1)


@suite.check("knn_predict/votes", points=3)
def predict_votes(ctx):
    """The majority label of the k nearest training points, for k = 1, 3, 5."""
    check_votes(ctx, VOTE_CASES)


@suite.check("knn_predict/ties", points=2)
def predict_ties(ctx):
    """A tie in the vote goes to the smallest label (even k, k = M)."""
    check_votes(ctx, TIE_CASES)


@suite.check("knn_predict/k_out_of_range", points=1)
def predict_k_range(ctx):
    """ValueError unless 1 <= k <= M."""
    rng = np.random.default_rng(22)
    X_train, y_train, X_test = rng.normal(size=(5, 2)), np.array([0, 1, 1, 0, 2]), rng.normal(size=(3, 2))
    for k in (0, 6, -1, 100):
        with case(f"M=5, k={k}"):
            expect_raises("knn_predict", lambda: ctx.student.call("knn_predict", X_train, y_train, X_test, k=k),
                          "ValueError", f"k={k} is outside 1 <= k <= M = 5")


@suite.check("knn_predict/inputs_untouched", points=1)
def predict_inputs(ctx):
    """X_train, y_train and X_test are left as they were."""
    rng = np.random.default_rng(23)
    args = [rng.normal(size=(15, 4)), rng.integers(0, 4, size=15), rng.normal(size=(6, 4)), 3]
    outcome = ctx.student.call("knn_predict", *args)
    expect_unchanged("knn_predict", ["X_train", "y_train", "X_test", "k"], args, outcome)


def digits_accuracy(door, k: int, seed: int) -> float:
    """Accuracy of ``door``'s knn_predict on a split of scikit-learn's digits."""
    X_train, y_train, X_test, y_test = digits_split(seed=seed, test_size=500)
    y_pred = door.call("knn_predict", X_train, y_train, X_test, k=k).value
    y_pred = expect_array(y_pred, "y_pred", "knn_predict")
    expect_shape(y_pred, y_test.shape, "y_pred", "knn_predict")
    return float(np.mean(y_pred == y_test))


NAN_DISTANCES = Hint(
    "knn/predict_through_nan_distances",
    "your compute_distances returns NaN for test rows equal to training rows (see its check "
    "compute_distances/duplicates), and NaN sorts after every number: the copy, at distance 0, is never "
    "the nearest. Fix compute_distances first.",
)


@suite.check("knn_predict/duplicate_rows", points=1)
def predict_duplicates(ctx):
    """Test rows that are copies of training rows (values ~1e3), k=1: each copy gets the label of
    the row it copies (its distance 0 must not come out as NaN)."""
    X_train, X_test = duplicate_rows()
    X_test = X_test[:len(X_train)]  # the copies only
    y_train = np.random.default_rng(12).integers(0, 10, size=len(X_train))
    expected = y_train[np.argmin(exact_distances(X_train, X_test), axis=1)]

    def distances_not_finite(_) -> bool:
        dists = ctx.student.call("compute_distances", X_train, X_test).value
        return isinstance(dists, np.ndarray) and dists.dtype.kind == "f" and not np.all(np.isfinite(dists))

    with case("60 test rows, each a copy of a training row (shuffled), values ~1e3, D=64, k=1"):
        y_pred = call_predict(ctx, X_train, y_train, X_test, 1)
        try:
            expect_equal(y_pred, expected, "y_pred", "knn_predict", source="the labels of the rows they copy",
                         hints=[NAN_DISTANCES.when(distances_not_finite)])
        except CheckFailure as failure:
            if failure.hint is not None and failure.hint.id == NAN_DISTANCES.id:
                failure.function = "compute_distances"  # the function to fix first
            raise


@suite.check("knn_predict/digits", points=2)
def predict_digits(ctx):
    """On scikit-learn's digits (8x8 images), as accurate as scikit-learn's own kNN."""
    from sklearn.neighbors import KNeighborsClassifier

    X_train, y_train, X_test, y_test = digits_split(seed=0, test_size=500)
    for k in (1, 5):
        with case(f"digits: {len(y_train)} training and {len(y_test)} test images, k={k}"):
            accuracy = digits_accuracy(ctx.student, k, seed=0)
            target = KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(X_train, y_train).score(X_test, y_test)
            expect_accuracy("knn_predict", accuracy, target, "knn_predict: test accuracy {mine:.4f} is below "
                            "scikit-learn's KNeighborsClassifier ({theirs:.4f}) by more than the margin {margin}.")


# --- cross_validate_k -------------------------------------------------------------------------
#
# Ten points on a line in three folds (array_split: rows 0-3, 4-6, 7-9). Each row is validated
# against its nearest neighbour in the *other* folds (k = 1):
#   fold 0: row 0 -> row 4 right; row 1 -> row 8 wrong; row 2 -> row 6 wrong; row 3 -> row 9 wrong
#   fold 1: row 4 -> row 0 right; row 5 -> row 8 right; row 6 -> row 2 wrong
#   fold 2: row 7 -> row 4 wrong; row 8 -> row 1 wrong; row 9 -> row 6 wrong

FOLD_POSITIONS = np.array([0.0, 10.0, 20.0, 30.0, 0.1, 10.3, 20.05, 0.25, 10.1, 20.3])[:, None]
FOLD_LABELS = np.array([0, 1, 3, 1, 0, 2, 0, 1, 2, 3])
FOLD_EXPECTED = [1 / 4, 2 / 3, 0.0]
FOLD_MISTAKES = [
    (Hint("knn/validates_on_training_rows",
          "every fold is perfect: the validation rows must not be part of the training rows."), [1.0, 1.0, 1.0]),
    (Hint("knn/accuracy_as_percentage", "accuracies are fractions in [0, 1], not percentages."), [25.0, 200 / 3, 0.0]),
    (Hint("knn/strided_folds", "your folds look like X[i::num_folds] (every num_folds-th row); the contract's folds "
          "are blocks of consecutive rows in their original order, as np.array_split makes them."), [0.5, 1 / 3, 0.0]),
]


def accuracy_table(ctx, X, y, k_choices, num_folds) -> dict:
    """The student's result checked for structure: {k: num_folds floats in [0, 1]}."""
    value = ctx.student.call("cross_validate_k", X, y, k_choices, num_folds=num_folds).value
    if not isinstance(value, dict):
        raise CheckFailure("cross_validate_k should return a dict {k: [accuracies]}, but returned "
                           f"{describe_value(value)}.",
                           kind="wrong_type")
    if set(value) != set(k_choices):
        raise CheckFailure(f"cross_validate_k: the dict's keys are {sorted(value, key=repr)} but should be the "
                           f"k_choices {list(k_choices)}.",
                           kind="wrong_type")
    table = {}
    for key in k_choices:
        accuracies = value[key]
        if isinstance(accuracies, np.ndarray):
            accuracies = accuracies.tolist()
        if not isinstance(accuracies, (list, tuple)) or not all(
                isinstance(a, (int, float, np.number)) for a in accuracies):
            raise CheckFailure(f"cross_validate_k: result[{key}] should be a list of num_folds accuracies (floats); "
                               f"got {accuracies!r}.",
                               kind="wrong_type")
        if len(accuracies) != num_folds:
            raise CheckFailure(f"cross_validate_k: result[{key}] has {len(accuracies)} accuracies but num_folds is "
                               f"{num_folds}.",
                               kind="wrong_shape")
        table[key] = np.array(accuracies, dtype=np.float64)
    return table


@suite.check("cross_validate_k/structure", points=1)
def cv_structure(ctx):
    """A dict with one key per k, each a list of num_folds accuracies in [0, 1]."""
    rng = np.random.default_rng(31)
    X, y = rng.normal(size=(23, 2)), rng.integers(0, 3, size=23)
    with case("N=23, D=2, k_choices=[1, 3, 5], num_folds=4"):
        for k, accuracies in accuracy_table(ctx, X, y, [1, 3, 5], 4).items():
            if np.any((accuracies < 0) | (accuracies > 1)):
                raise CheckFailure(f"cross_validate_k: result[{k}] = {accuracies.tolist()} has values outside [0, 1].",
                                   Hint("knn/accuracy_out_of_range",
                                        "an accuracy is the fraction of a fold's rows predicted correctly."))


@suite.check("cross_validate_k/folds", points=2)
def cv_folds(ctx):
    """Folds are consecutive rows (np.array_split, no shuffling); fold i validates, the others train."""
    with case("ten points on a line, num_folds=3 (folds of 4, 3, 3 rows), k_choices=[1]"):
        accuracies = accuracy_table(ctx, FOLD_POSITIONS, FOLD_LABELS, [1], 3)[1]
        hints = [hint.if_close(np.array(answer), np.full(3, 1e-9)) for hint, answer in FOLD_MISTAKES]
        expect_close(accuracies, np.array(FOLD_EXPECTED), "result[1]", "cross_validate_k",
                     tolerance=np.full(3, 1e-9), source="the accuracies of folds [rows 0-3, rows 4-6, rows 7-9]",
                     hints=hints)


@suite.check("cross_validate_k/inputs_untouched", points=1)
def cv_inputs(ctx):
    """X, y and k_choices are left as they were."""
    rng = np.random.default_rng(32)
    args = [rng.normal(size=(12, 3)), rng.integers(0, 2, size=12), [1, 3], 3]
    outcome = ctx.student.call("cross_validate_k", *args)
    expect_unchanged("cross_validate_k", ["X", "y", "k_choices", "num_folds"], args, outcome)
