"""The grader's own training loops (trusted code): mini-batch SGD of a linear classifier whose
loss and gradient come from a function — the student's, through the door, or an oracle's — and
the notes' momentum update for the networks of nn, conv and lstm. End-to-end checks train twice,
the same way, and compare the results."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .core.door import Build, Call, Made, momentum_step, result_of
from .core.memo import once
from .datasets import digits_split


@once
def _digits_problem(seed: int) -> tuple[np.ndarray, ...]:
    X_train, y_train, X_test, y_test = digits_split(seed=seed, test_size=500)
    add_bias = lambda X: np.hstack([X / 16.0, np.ones((len(X), 1))])  # noqa: E731 - pixels to [0, 1]
    return add_bias(X_train), y_train, add_bias(X_test), y_test


def digits_problem(seed: int = 0) -> tuple[np.ndarray, ...]:
    """scikit-learn's digits for a linear classifier: (X_train (1297, 65), y_train, X_test
    (500, 65), y_test), pixels scaled to [0, 1] and a constant 1 appended (the bias)."""
    return tuple(a.copy() for a in _digits_problem(seed))


LossFunction = Callable[[np.ndarray, np.ndarray, np.ndarray, float], tuple]


def sgd(loss: LossFunction, X: np.ndarray, y: np.ndarray, classes: int, *, reg: float, learning_rate: float,
        steps: int, batch: int, seed: int) -> tuple[np.ndarray, list[float]]:
    """Plain mini-batch SGD from small random weights; returns (W, the loss at every step).
    ``loss(W, X_batch, y_batch, reg)`` returns (loss, dW)."""
    rng = np.random.default_rng(seed)
    W = rng.normal(scale=1e-3, size=(X.shape[1], classes))
    history = []
    for _ in range(steps):
        rows = rng.choice(len(y), size=batch, replace=False)
        value, dW = loss(W, X[rows], y[rows], reg)
        history.append(float(value))
        W = W - learning_rate * np.asarray(dW, dtype=np.float64)
    return W, history


def door_sgd(door, function: str, first_loss: LossFunction, X: np.ndarray, y: np.ndarray, classes: int, *,
             reg: float, learning_rate: float, steps: int, batch: int, seed: int) -> np.ndarray:
    """:func:`sgd` with ``function`` behind ``door``; returns the last W. The first step goes
    through ``first_loss`` (a call that checks what the function returns, with the usual
    messages); all the others in one request, W staying on the student's side: each step's W is
    made there from the W and dW of the step before (``Build("sgd_step", ...)``, the same
    arithmetic as :func:`sgd`), and only the last W comes back."""
    rng = np.random.default_rng(seed)
    W = rng.normal(scale=1e-3, size=(X.shape[1], classes))
    rows = rng.choice(len(y), size=batch, replace=False)
    _, dW = first_loss(W, X[rows], y[rows], reg)
    W = W - learning_rate * np.asarray(dW, dtype=np.float64)
    if steps == 1:
        return W
    parts: list = []
    current: np.ndarray | Build = W  # W as the grader would hold it: sent, or made by the step before
    for step in range(1, steps):
        rows = rng.choice(len(y), size=batch, replace=False)
        parts.append(Call(function, (current, X[rows], y[rows], reg), send=False))
        parts.append(Made(Build("sgd_step", (current, result_of(len(parts) - 1, 1), learning_rate)),
                          send=step == steps - 1))
        current = result_of(len(parts) - 1)
    return np.asarray(door.call_each(parts)[-1].value, dtype=np.float64)


def accuracy(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.argmax(X @ W, axis=1) == y))


Parameters = dict[str, np.ndarray]


def momentum_descent(params: Parameters, gradients: Callable[[Parameters], Parameters], *, steps: int,
                     learning_rate: float, momentum: float, update: Callable = momentum_step,
                     update_each: Callable[[list[tuple]], list] | None = None,
                     after_step: Callable[[Parameters], None] | None = None) -> Parameters:
    """``steps`` steps of ``update(w, dw, w_prev, lr, momentum)`` (the notes' momentum update
    unless a student's is given) for every parameter, from ``w_prev = w``; or, with
    ``update_each``, of all the parameters' updates at once (a list of those arguments -> a list
    of new values: one request to a student's worker per step). ``gradients(params)`` gives the
    gradients of one step (it draws its own mini-batch); ``after_step(params)`` may look at the
    parameters after each step (and raise)."""
    if update_each is None:
        def update_each(rows: list[tuple]) -> list:
            return [update(*row) for row in rows]

    previous = {k: v.copy() for k, v in params.items()}
    for _ in range(steps):
        grads = gradients(params)
        new = update_each([(params[k], grads[k], previous[k], learning_rate, momentum) for k in params])
        updated = {k: np.asarray(value, dtype=np.float64) for k, value in zip(params, new)}
        previous, params = params, updated
        if after_step is not None:
            after_step(params)
    return params
