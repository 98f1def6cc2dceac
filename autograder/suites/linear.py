"""Checks shared by the linear classifiers (``svm``, ``softmax``).

Both assignments implement ``<name>_loss(W, X, y, reg) -> (loss, dW)`` on the scores
``s = X @ W``. What differs is a :class:`LossSpec`: the contract's loss written in PyTorch (the
oracle: values from float64 arithmetic, gradients from autograd), and the usual mistakes, each
written as the loss that mistake amounts to, so that autograd tells what a student who made it
would return. Public checks therefore hold no analytic gradient: that is the exercise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..core.gradcheck import DoorFunction, expect_gradient
from ..core.memo import once
from ..core.tolerances import TOLERANCES
from ..core.verdicts import (
    CheckFailure,
    Hint,
    case,
    expect_accuracy,
    expect_array,
    expect_close,
    expect_dtype,
    expect_finite,
    expect_float,
    expect_no_warnings,
    expect_shape,
    expect_unchanged,
)
from ..training import accuracy, digits_problem, door_sgd, sgd

VALUE, GRADIENT = TOLERANCES["value"], TOLERANCES["gradient"]


@dataclass(frozen=True)
class LinearCase:
    N: int
    D: int
    C: int
    seed: int
    reg: float = 0.0
    labels: type = np.int64
    weight_scale: float = 0.5

    @property
    def label(self) -> str:
        return f"N={self.N}, D={self.D}, C={self.C}, reg={self.reg:g}, y {np.dtype(self.labels).name}"

    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        W = rng.normal(size=(self.D, self.C)) * self.weight_scale
        X = rng.normal(size=(self.N, self.D))
        y = rng.integers(0, self.C, size=self.N).astype(self.labels)
        return W, X, y


@dataclass(frozen=True)
class Mistake:
    """A known mistake as torch expressions of (scores, y, W, reg): ``loss`` is what the
    mistaken code returns as the loss, ``gradient`` the expression whose gradient it returns
    as dW (None: the correct one)."""

    hint: Hint
    loss: Callable | None = None
    gradient: Callable | None = None


@dataclass(frozen=True)
class LossSpec:
    function: str
    data_loss: Callable  # (scores, y) -> mean data loss, torch, float64
    oracle: str  # how the oracle is computed, for messages
    mistakes: tuple[Mistake, ...]
    sanity: tuple[Callable, Callable, str]  # (W for D, C), expected loss for C, what it shows
    training: dict = field(default_factory=dict)  # SGD settings for the digits
    kink_free: Callable = lambda W, X, y: True  # inputs where the loss is differentiable


# --- the oracle (PyTorch, float64) --------------------------------------------------------------


def _torch(W, X, y):
    import torch

    W_t = torch.tensor(np.asarray(W, dtype=np.float64), requires_grad=True)
    return W_t, torch.from_numpy(np.asarray(X, dtype=np.float64)) @ W_t, torch.from_numpy(np.asarray(y, dtype=np.int64))


def penalty(W_t, reg: float):
    return reg * (W_t * W_t).sum()


def oracle(spec: LossSpec, W, X, y, reg: float, loss_expression=None,
           gradient_expression=None) -> tuple[float, np.ndarray]:
    """(loss, dW) of the contract's loss, or of a mistake's expressions, by PyTorch."""
    W_t, scores, y_t = _torch(W, X, y)
    correct = spec.data_loss(scores, y_t) + penalty(W_t, reg)
    value = (loss_expression(scores, y_t, W_t, reg) if loss_expression else correct).item()
    target = gradient_expression(scores, y_t, W_t, reg) if gradient_expression else correct
    target.backward()
    return float(value), W_t.grad.numpy().copy()


def mistake_hints(spec: LossSpec, W, X, y, reg: float, expected: tuple[float, np.ndarray]) -> tuple[list, list]:
    """Hints for the loss and for dW: each fits when the answer equals what its mistake gives
    (and the mistake gives something other than the right answer there)."""
    loss_hints, gradient_hints = [], []
    for mistake in spec.mistakes:
        value, gradient = oracle(spec, W, X, y, reg, mistake.loss, mistake.gradient)
        if mistake.loss is not None and not np.isclose(value, expected[0], rtol=1e-6, atol=1e-9):
            loss_hints.append(mistake.hint.if_close(np.array(value), VALUE))
        if not np.allclose(gradient, expected[1], rtol=1e-6, atol=1e-9):
            gradient_hints.append(mistake.hint.if_close(gradient, GRADIENT))
    return loss_hints, gradient_hints


# --- calling the student ------------------------------------------------------------------------


def call_loss(door, spec: LossSpec, W, X, y, reg: float):
    """(loss as float, dW as array of W's shape), or CheckFailure; and the call's outcome."""
    outcome = door.call(spec.function, W, X, y, reg)
    value = outcome.value
    if not isinstance(value, tuple) or len(value) != 2:
        raise CheckFailure(f"{spec.function} should return a pair (loss, dW), but returned "
                           f"{type(value).__name__ if not isinstance(value, tuple) else f'{len(value)} values'}.",
                           RETURN_LOSS_DW, kind="wrong_type")
    if isinstance(value[0], np.ndarray) and value[0].shape == W.shape and isinstance(value[1], (float, np.floating)):
        raise CheckFailure(f"{spec.function} returned (dW, loss): the pair is in the wrong order.", RETURN_LOSS_DW,
                           kind="wrong_type")
    loss = expect_float(value[0], "loss", spec.function)
    dW = expect_array(value[1], "dW", spec.function)
    expect_shape(dW, W.shape, "dW", spec.function, [Hint("common/dw_transposed",
                                                         "dW is transposed: it must have W's shape (D, C).",
                                                         lambda a: a.shape == W.shape[::-1])])
    expect_dtype(dW, "f", "dW", spec.function)
    return loss, dW, outcome


def compare_with_oracle(door, spec: LossSpec, W, X, y, reg: float, extra_hints: list | None = None) -> None:
    loss, dW, _ = call_loss(door, spec, W, X, y, reg)
    expected = oracle(spec, W, X, y, reg)
    loss_hints, gradient_hints = mistake_hints(spec, W, X, y, reg, expected)
    expect_close(np.array(loss), np.array(expected[0]), "loss", spec.function, tolerance=VALUE, source=spec.oracle,
                 hints=loss_hints + (extra_hints or []))
    expect_close(dW, expected[1], "dW", spec.function, tolerance=GRADIENT, source=f"autograd of {spec.oracle}",
                 hints=gradient_hints + (extra_hints or []))


SHAPE_CASES = [
    LinearCase(N=1, D=1, C=2, seed=0),
    LinearCase(N=5, D=3, C=2, seed=1, labels=np.int32),
    LinearCase(N=1, D=4, C=3, seed=2),
    LinearCase(N=8, D=1, C=5, seed=3, labels=np.int32),
]
DATA_CASES = [
    LinearCase(N=7, D=5, C=4, seed=10),
    LinearCase(N=1, D=3, C=2, seed=11, labels=np.int32),
    LinearCase(N=20, D=8, C=10, seed=12),
    LinearCase(N=6, D=1, C=3, seed=13, labels=np.int32),
]
PENALTY_CASES = [
    LinearCase(N=7, D=5, C=4, seed=10, reg=0.1),
    LinearCase(N=20, D=8, C=10, seed=12, reg=2.5, labels=np.int32),
]
PENALTY_HINT = Hint("common/penalty_wrong", "with reg = 0 your answer is right: look at the penalty, "
                    "reg * sum(W**2) (the notes' lambda times the sum of the squared weights) in the loss, and "
                    "its gradient with respect to W in dW.")
RETURN_LOSS_DW = Hint("common/return_loss_dw", "return loss, dW")


def register_public(suite, spec: LossSpec) -> None:
    """The public checks every linear classifier has."""
    fn = spec.function
    SPECS[fn] = spec

    @suite.check(f"{fn}/shape_types", points=1)
    def shape_types(ctx):
        """loss is a float, dW has W's shape: N = 1, C = 2, D = 1, y int32 and int64."""
        for row in SHAPE_CASES:
            with case(row.label):
                call_loss(ctx.student, spec, *row.data(), row.reg)

    @suite.check(f"{fn}/values_without_penalty", points=3)
    def values(ctx):
        """reg = 0: loss and dW as PyTorch computes them (float64, autograd)."""
        for row in DATA_CASES:
            with case(row.label):
                compare_with_oracle(ctx.student, spec, *row.data(), row.reg)

    @suite.check(f"{fn}/values_with_penalty", points=2)
    def values_with_penalty(ctx):
        """reg > 0: the L2 penalty reg * sum(W**2) in the loss, 2 * reg * W in dW."""
        for row in PENALTY_CASES:
            W, X, y = row.data()
            with case(row.label):
                extra = []
                try:  # is the data part right? then a failure here is the penalty's
                    compare_with_oracle(ctx.student, spec, W, X, y, 0.0)
                    extra = [PENALTY_HINT]
                except CheckFailure:
                    pass
                compare_with_oracle(ctx.student, spec, W, X, y, row.reg, extra)

    @suite.check(f"{fn}/numeric_gradient", points=2)
    def numeric_gradient(ctx):
        """dW agrees with central differences of your own loss (inputs away from any kink)."""
        for seed in (20, 21):
            W, X, y = kink_free_case(spec, N=6, D=4, C=3, seed=seed)
            reg = 0.1
            with case(f"N=6, D=4, C=3, reg={reg}, seed {seed}"):
                _, dW, _ = call_loss(ctx.student, spec, W, X, y, reg)

                def loss_at(through, W_perturbed):
                    return expect_float(through.call(fn, W_perturbed, X, y, reg).value[0], "loss", fn)

                expect_gradient(DoorFunction(ctx.student, loss_at), [W], 0, dW, 1.0, function=fn, argument="W",
                                gradient_name="dW", rng=np.random.default_rng(seed))

    make_W, expected_value, meaning = spec.sanity

    @suite.check(f"{fn}/sanity", points=1)
    def sanity(ctx):
        """The loss's known value at the start of training."""
        for C in (3, 10):
            W = make_W(6, C)
            X = np.random.default_rng(C).normal(size=(25, 6))
            y = np.arange(25) % C
            with case(f"{meaning}, C={C}"):
                loss, _, _ = call_loss(ctx.student, spec, W, X, y, 0.0)
                expect_close(np.array(loss), np.array(expected_value(C)), "loss", fn,
                             tolerance=TOLERANCES["numeric_gradient"], source=meaning)

    @suite.check(f"{fn}/inputs_untouched", points=1)
    def inputs_untouched(ctx):
        """W, X and y are left as they were."""
        W, X, y = DATA_CASES[0].data()
        outcome = ctx.student.call(fn, W, X, y, 0.3)
        expect_unchanged(fn, ["W", "X", "y", "reg"], [W, X, y, 0.3], outcome)

    @suite.check(f"{fn}/digits_training", points=2)
    def digits_training(ctx):
        """SGD on the digits with your loss reaches the accuracy PyTorch's loss reaches."""
        X_train, y_train, X_test, y_test = digits_problem(seed=0)
        with case(f"digits, {len(y_train)} training and {len(y_test)} test images, SGD {spec.training}"):
            mine = door_train(ctx.student, X_train, y_train, spec)
            expect_accuracy(fn, accuracy(mine, X_test, y_test), oracle_accuracy(spec.function, 0),
                            training_message(fn, f"the same SGD with {spec.oracle}"))


# --- helpers ---------------------------------------------------------------------------------


def kink_free_case(spec: LossSpec, N: int, D: int, C: int, seed: int):
    rng = np.random.default_rng(seed)
    while True:
        W, X = rng.normal(size=(D, C)) * 0.5, rng.normal(size=(N, D))
        y = rng.integers(0, C, size=N)
        if spec.kink_free(W, X, y):
            return W, X, y


SPECS: dict[str, LossSpec] = {}  # the loss of each linear classifier, by its function's name


@once(persist=True)
def oracle_accuracy(function: str, seed: int) -> float:
    """Test accuracy of SGD with the oracle's loss: deterministic, so computed once per process."""
    spec = SPECS[function]
    X_train, y_train, X_test, y_test = digits_problem(seed=seed)
    W = train(lambda *a: oracle(spec, *a), X_train, y_train, spec)
    return accuracy(W, X_test, y_test)


def train(loss, X, y, spec: LossSpec) -> np.ndarray:
    """SGD with ``loss`` (the oracle's)."""
    return finite_weights(sgd(loss, X, y, classes=10, seed=0, **spec.training)[0], spec)


def door_train(door, X, y, spec: LossSpec) -> np.ndarray:
    """The same SGD with the loss behind ``door`` (see training.door_sgd)."""
    return finite_weights(door_sgd(door, spec.function, lambda *a: call_loss(door, spec, *a)[:2], X, y, classes=10,
                                   seed=0, **spec.training), spec)


def finite_weights(W: np.ndarray, spec: LossSpec) -> np.ndarray:
    if not np.all(np.isfinite(W)):
        raise CheckFailure(f"{spec.function}: training with your loss produced non-finite weights (nan or inf).",
                           kind="not_finite")
    return W


def training_message(function: str, source: str) -> str:
    """expect_accuracy's message for training with the student's loss, against ``source``."""
    return (f"{function}: test accuracy after training with your loss is {{mine:.4f}}, below {source} "
            "({theirs:.4f}) by more than the margin {margin}.")


def expect_stable(door, spec: LossSpec, W, X, y, hints: list) -> None:
    """Finite, exact and silent for extreme scores."""
    loss, dW, outcome = call_loss(door, spec, W, X, y, 0.0)
    expected = oracle(spec, W, X, y, 0.0)
    if not np.isfinite(loss):
        all_scores = X @ W
        raise CheckFailure(f"{spec.function}: loss is {loss} for scores as large as {np.abs(all_scores).max():g} "
                           f"that differ by up to {np.ptp(all_scores, axis=1).max():g} within a sample; it should be "
                           f"{expected[0]:.10g}.",
                           next((h for h in hints if h.applies(np.array(loss))), None), kind="not_finite")
    expect_finite(dW, "dW", spec.function, hints[0] if hints else None)
    expect_close(np.array(loss), np.array(expected[0]), "loss", spec.function, tolerance=VALUE, source=spec.oracle,
                 hints=hints)
    expect_close(dW, expected[1], "dW", spec.function, tolerance=GRADIENT, source=f"autograd of {spec.oracle}")
    expect_no_warnings(outcome)
