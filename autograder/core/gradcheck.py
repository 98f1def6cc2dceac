"""Numeric gradient checks: centered differences in float64.

For a function ``f`` of several array arguments with an array output, the check compares an
analytic vector-Jacobian product (what a ``*_backward`` returns for an upstream gradient
``dout``) with the numeric one, ``(<dout, f(x + h e_i)> - <dout, f(x - h e_i)>) / 2h``, at every
coordinate of small inputs and at a random sample of coordinates of large ones. Every check
draws its own ``numpy.random.Generator``; the global random state is never used.

``f`` is an ordinary callable on the grader's side; to check student code it wraps a door call,
for example ``lambda x, w, b: door.call("affine_forward", x, w, b).value[0]``, and better a
:class:`DoorFunction`, whose evaluations at all the perturbed arguments travel through the door
in one request instead of two per coordinate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .tolerances import GRADCHECK_MAX_COORDINATES, GRADCHECK_STEP, TOLERANCES, Tolerance
from .verdicts import CheckFailure, expect_array, format_index, format_number

__all__ = ["DoorFunction", "numeric_vjp", "expect_gradient", "sample_coordinates"]


class DoorFunction:
    """``f(*args) = through(door, *args)``, where ``through`` makes one call through the door it
    is given and reads its value (an existing helper such as ``call_forward``), evaluated for
    many argument lists at once by :meth:`many`: the calls are recorded, made together with
    ``door.call_each`` (one request to a worker), and their outcomes replayed to ``through``."""

    def __init__(self, door: Any, through: Callable[..., Any]) -> None:
        self.door = door
        self.through = through

    def __call__(self, *args: Any) -> Any:
        return self.through(self.door, *args)

    def many(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        calls = []
        for row in rows:
            recorder = _Recorder()
            try:
                self.through(recorder, *row)
            except _Recorded:
                pass
            if recorder.noted is None:
                raise TypeError("DoorFunction: through made no call")
            calls.append(recorder.noted)
        outcomes = self.door.call_each(calls)
        return [self.through(_Replay(outcome), *row) for outcome, row in zip(outcomes, rows)]


class _Recorded(Exception):
    pass


class _Recorder:
    """A door that notes the one call made through it (and stops the caller there)."""

    def __init__(self) -> None:
        self.noted: tuple[str, tuple] | None = None

    def call_keeping(self, function: str, keep: Sequence[int], *args: Any, **kwargs: Any) -> Any:
        if keep or kwargs:
            raise TypeError("DoorFunction: calls that keep results or take keyword arguments are not batched")
        self.noted = (function, args)
        raise _Recorded()

    def call(self, function: str, *args: Any, **kwargs: Any) -> Any:
        return self.call_keeping(function, (), *args, **kwargs)


class _Replay:
    """A door that answers the one call made through it with an outcome already received."""

    def __init__(self, outcome: Any) -> None:
        self._outcome: Any = outcome

    def call_keeping(self, function: str, keep: Sequence[int], *args: Any, **kwargs: Any) -> Any:
        outcome, self._outcome = self._outcome, None
        if outcome is None or outcome.function != function:
            raise TypeError("DoorFunction: through must make exactly one call, the same for every argument list")
        return outcome

    def call(self, function: str, *args: Any, **kwargs: Any) -> Any:
        return self.call_keeping(function, (), *args, **kwargs)


def sample_coordinates(shape: tuple, rng: np.random.Generator, limit: int = GRADCHECK_MAX_COORDINATES) -> list[tuple]:
    """All coordinates of a small array; ``limit`` distinct random ones of a large array."""
    size = int(np.prod(shape))
    flat = np.arange(size) if size <= limit else np.sort(rng.choice(size, size=limit, replace=False))
    return [tuple(int(i) for i in np.unravel_index(k, shape)) for k in flat]


def numeric_vjp(
    f: Callable[..., np.ndarray],
    args: Sequence[np.ndarray],
    wrt: int,
    dout: np.ndarray | float,
    coordinates: Sequence[tuple],
    step: float = GRADCHECK_STEP,
) -> np.ndarray:
    """Central-difference estimate of d<dout, f(*args)>/d args[wrt] at ``coordinates``; with
    ``f.many`` (a :class:`DoorFunction`), every evaluation in one go."""
    base = [np.array(a, dtype=np.float64, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    dout = np.asarray(dout, dtype=np.float64)
    many = getattr(f, "many", None)
    if many is not None:
        rows = []
        for index in coordinates:
            for shift in (step, -step):
                x = base[wrt].copy()
                x[index] = x[index] + shift
                rows.append([x if i == wrt else a for i, a in enumerate(base)])
        values = [float(np.sum(dout * np.asarray(out, dtype=np.float64))) for out in many(rows)]
        return (np.array(values[0::2]) - np.array(values[1::2])) / (2 * step)
    estimates = np.empty(len(coordinates))
    for n, index in enumerate(coordinates):
        x = base[wrt]
        old = x[index]
        x[index] = old + step
        plus = float(np.sum(dout * np.asarray(f(*base), dtype=np.float64)))
        x[index] = old - step
        minus = float(np.sum(dout * np.asarray(f(*base), dtype=np.float64)))
        x[index] = old
        estimates[n] = (plus - minus) / (2 * step)
    return estimates


def expect_gradient(
    f: Callable[..., np.ndarray],
    args: Sequence[np.ndarray],
    wrt: int,
    analytic: object,
    dout: np.ndarray | float,
    *,
    function: str,
    argument: str,
    gradient_name: str,
    rng: np.random.Generator,
    tolerance: Tolerance = TOLERANCES["numeric_gradient"],
    step: float = GRADCHECK_STEP,
) -> None:
    """The analytic gradient (w.r.t. ``args[wrt]``, named ``argument``) must match central
    differences at sampled coordinates. Reports the worst coordinate, minitorch style."""
    analytic = expect_array(analytic, gradient_name, function)
    shape = np.shape(args[wrt])
    if analytic.shape != shape:
        raise CheckFailure(
            f"{function}: {gradient_name} has shape {analytic.shape} but should have the shape of "
            f"{argument}, {shape}.", kind="wrong_shape", function=function,
            numbers={"actual_shape": list(analytic.shape), "expected_shape": list(shape)},
        )
    coordinates = sample_coordinates(shape, rng)
    numeric = numeric_vjp(f, args, wrt, dout, coordinates, step)
    received = np.array([analytic[i] for i in coordinates], dtype=np.float64)
    bound = tolerance.bound(numeric)
    with np.errstate(invalid="ignore"):
        error = np.abs(received - numeric)
    error = np.where(np.isnan(error), np.inf, error)
    ratio = error / bound
    if np.all(ratio <= 1):
        return
    worst = int(np.argmax(ratio))
    index = coordinates[worst]
    raise CheckFailure(
        f"{function}: received derivative {format_number(received[worst])} for argument {argument} at "
        f"index {index} ({format_index(gradient_name, index)}), but central difference gives "
        f"{format_number(numeric[worst])} (|difference| {format_number(error[worst])} > tolerance "
        f"{bound[worst]:.3g}; {tolerance}, step {step:g}). {int(np.sum(ratio > 1))} of "
        f"{len(coordinates)} checked coordinates are off.", function=function,
        numbers={"argument": argument, "index": list(index), "actual": float(received[worst]),
                 "expected": float(numeric[worst]), "tolerance": float(bound[worst]),
                 "count": int(np.sum(ratio > 1)), "total": len(coordinates)},
    )
