"""Verdicts: the few reusable judgements every check is built from.

Each ``expect_*`` function takes plain data that came back through the door and either returns
quietly or raises :class:`CheckFailure` with a message a student can act on: the function, the
output's name, expected against actual (a shape, or the worst element with its index and both
values), the tolerance, and a hint when a known mistake fits the symptom.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .door import Build, Call, CallOutcome, Handle, Made, StudentProblem, StudentRaised, as_part
from .results import KINDS
from .tolerances import ACCURACY_MARGIN, Tolerance

__all__ = [
    "CheckFailure",
    "Hint",
    "case",
    "describe_value",
    "COMMON_HINTS",
    "expect_accuracy",
    "expect_array",
    "expect_close",
    "expect_dtype",
    "expect_equal",
    "expect_finite",
    "expect_float",
    "expect_no_warnings",
    "expect_raises",
    "expect_returns",
    "expect_shape",
    "expect_unchanged",
    "format_index",
    "InputsUntouched",
    "format_number",
]


_HINT_ID = re.compile(r"^[a-z0-9_]+/[a-z0-9_]+$")


def _always(actual: Any) -> bool:
    return True


@dataclass(frozen=True)
class Hint:
    """A known mistake: a stable ``id`` ("<assignment>/<mistake>", or "common/<mistake>" for the
    helpers several assignments share) that reports can count, the advice for the student, and
    its symptom: a predicate on the student's answer (always true for a hint given outright).
    The text names the mistake and the idea, not the fixed line."""

    id: str
    text: str
    applies: Callable[[Any], bool] = field(default=_always, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not _HINT_ID.match(self.id):
            raise ValueError(f"hint id {self.id!r} is not of the form <assignment>/<mistake_name>")

    def when(self, applies: Callable[[Any], bool]) -> Hint:
        """This hint, fitting the answers for which ``applies(answer)`` is true."""
        return Hint(self.id, self.text, applies)

    def if_close(self, alternative: Any, tolerance: Tolerance | np.ndarray | None = None) -> Hint:
        """This hint, fitting when the answer equals ``alternative`` (what the mistake would give),
        within ``tolerance`` (exactly when None). ``alternative`` may be a function of no
        arguments that computes it: then it is computed only when a comparison has failed and
        its hints are consulted."""

        def applies(actual: Any) -> bool:
            nonlocal alternative
            if callable(alternative):
                alternative = alternative()
            alternative = np.asarray(alternative)
            actual = np.asarray(actual)
            if actual.shape != alternative.shape or actual.dtype.kind not in "biuf":
                return False
            if tolerance is None:
                return bool(np.array_equal(actual, alternative))
            bound = tolerance.bound(alternative) if isinstance(tolerance, Tolerance) else tolerance
            with np.errstate(invalid="ignore"):
                return bool(np.all(np.abs(actual.astype(np.float64) - alternative) <= bound))

        return self.when(applies)


class CheckFailure(Exception):
    """A verdict went against the student's answer.

    ``kind`` is one of :data:`~autograder.core.results.KINDS` (what went wrong), ``function``
    the function at fault (default: the check's own; only its first word counts, so a verdict
    may say "conv_backward (second call, same cache)"), ``numbers`` what was compared, and
    ``case`` the row of the check's table (set by :func:`case`)."""

    def __init__(self, message: str, hint: Hint | None = None, *, kind: str = "wrong_value",
                 function: str | None = None, numbers: dict | None = None) -> None:
        super().__init__(message)
        if hint is not None and not isinstance(hint, Hint):
            raise TypeError(f"a CheckFailure's hint is a Hint (with an id), not {type(hint).__name__}")
        if kind not in KINDS:
            raise ValueError(f"unknown failure kind {kind!r}")
        self.message = message
        self.hint = hint
        self.kind = kind
        self.function = function
        self.numbers = numbers or {}
        self.case: str | None = None

    def describe(self) -> str:
        return self.message + (f"\nHint: {self.hint.text}" if self.hint else "")

    __str__ = describe


def _first_hint(hints: Iterable[Hint], actual: Any) -> Hint | None:
    for hint in hints:
        try:
            if hint.applies(actual):
                return hint
        except Exception:  # a hint is advice; a hint that cannot judge this answer stays silent
            continue
    return None


@contextlib.contextmanager
def case(label: str):
    """Name the case (a row of a check's table) in any failure raised inside the block."""
    try:
        yield
    except (CheckFailure, StudentProblem) as failure:
        if failure.case is None:
            failure.case = label
        raise


# --- formatting ---------------------------------------------------------------------------------


def format_number(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.10g}"
    return repr(x)


def format_index(name: str, index: tuple) -> str:
    if not index:
        return name
    return f"{name}[{', '.join(str(int(i)) for i in index)}]"


def describe_value(value: Any) -> str:
    if isinstance(value, Handle):
        return f"an object of type {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:200]


# --- verdicts -------------------------------------------------------------------------------------

# Hints of the core's own verdicts, which every assignment meets.
COMMON_HINTS = {
    "no_return": Hint("common/no_return", "did you forget the return statement?"),
    "list_not_array": Hint("common/list_not_array",
                           "wrap the result with np.array(...) or build it with NumPy operations."),
    "int_loss": Hint("common/int_not_float", "a loss averages over samples: it is a float."),
    "input_modified": Hint("common/input_modified",
                           "work on a copy (astype and .copy() make one) instead of operators like -=, /= "
                           "or slice assignment on an argument."),
}


def expect_array(value: Any, name: str, function: str) -> np.ndarray:
    """``value`` must be a NumPy array (the contract's outputs are arrays, not lists)."""
    if isinstance(value, np.ndarray):
        return value
    hint = None
    if isinstance(value, (list, tuple)):
        hint = COMMON_HINTS["list_not_array"]
    elif value is None:
        hint = COMMON_HINTS["no_return"]
    raise CheckFailure(f"{function} should return {name} as a NumPy array, but returned {describe_value(value)}.",
                       hint, kind="wrong_type", function=function)


def expect_float(value: Any, name: str, function: str) -> float:
    """``value`` must be a real scalar: a Python float or a NumPy floating scalar (not an array,
    not an int). Returns it as a Python float."""
    if isinstance(value, (float, np.floating)) and not isinstance(value, bool):
        return float(value)
    hint = None
    if isinstance(value, np.ndarray) and value.size == 1:
        hint = Hint("common/array_not_scalar", f"return a scalar: float({name}), or {name}.item().")
    elif value is None:
        hint = COMMON_HINTS["no_return"]
    elif isinstance(value, (int, np.integer)):
        hint = COMMON_HINTS["int_loss"]
    raise CheckFailure(f"{function} should return {name} as a float, but returned {describe_value(value)}.", hint,
                       kind="wrong_type", function=function)


def expect_returns(value: Any, names: Sequence[str], function: str, hint: Hint | None = None, *,
                   shown: str | None = None) -> tuple:
    """``value`` must be a tuple of ``len(names)`` results (``names`` say what the contract
    calls them: ``("dx", "dw", "db")``; ``shown`` says it otherwise in the message). Returns it."""
    if isinstance(value, tuple) and len(value) == len(names):
        return value
    shown = shown or f"({', '.join(names)})"
    raise CheckFailure(f"{function} should return {shown}, but returned {describe_value(value)}.", hint,
                       kind="wrong_type", function=function)


def expect_shape(array: np.ndarray, shape: tuple, name: str, function: str, hints: Sequence[Hint] = ()) -> None:
    if array.shape != tuple(shape):
        raise CheckFailure(
            f"{function}: {name} has shape {array.shape} but should have shape {tuple(shape)}.",
            _first_hint(hints, array), kind="wrong_shape", function=function,
            numbers={"actual_shape": list(array.shape), "expected_shape": list(shape)},
        )


_KIND_WORDS = {"f": "floating-point", "i": "integer", "u": "integer", "b": "boolean"}


def expect_dtype(array: np.ndarray, kinds: str, name: str, function: str, hint: Hint | None = None) -> None:
    """``array.dtype.kind`` must be one of ``kinds`` (for example "iu" for any integer dtype)."""
    if array.dtype.kind not in kinds:
        wanted = " or ".join(sorted({_KIND_WORDS.get(k, k) for k in kinds}))
        raise CheckFailure(f"{function}: {name} has dtype {array.dtype} but should have a {wanted} dtype.", hint,
                           kind="wrong_dtype", function=function)


def expect_finite(array: np.ndarray, name: str, function: str, hint: Hint | None = None) -> None:
    if array.dtype.kind not in "fc":
        return
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(np.argwhere(bad)[0])
        raise CheckFailure(
            f"{function}: {name} contains {int(bad.sum())} non-finite values (NaN or inf) out of "
            f"{array.size}; the first is {format_index(name, index)} = {format_number(array[index])}.",
            hint, kind="not_finite", function=function,
            numbers={"index": [int(i) for i in index], "actual": _number(array[index]), "count": int(bad.sum()),
                     "total": int(array.size)},
        )


def _number(x: Any) -> Any:
    """A NumPy scalar as a Python number (for a failure's numbers)."""
    return x.item() if isinstance(x, np.generic) else x


def expect_close(
    actual: np.ndarray,
    expected: np.ndarray,
    name: str,
    function: str,
    *,
    tolerance: Tolerance | np.ndarray,
    source: str,
    hints: Sequence[Hint] = (),
) -> None:
    """Element-wise ``|actual - expected| <= bound``; reports the worst element by how many
    times its error exceeds its own bound, and how many elements fail."""
    expected = np.asarray(expected, dtype=np.float64)
    expect_shape(actual, expected.shape, name, function, hints)
    if actual.dtype.kind not in "biuf":
        raise CheckFailure(f"{function}: {name} has dtype {actual.dtype}; expected real numbers.",
                           kind="wrong_dtype", function=function)
    if isinstance(tolerance, Tolerance):
        bound = tolerance.bound(expected)
    else:
        bound = np.broadcast_to(tolerance, expected.shape)
    values = actual.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs(values - expected)
        error = np.where(np.isnan(error) & ~(np.isnan(values) & np.isnan(expected)), np.inf, error)
        error = np.where(values == expected, 0.0, error)  # equal infinities are equal
        ratio = np.where(error == 0, 0.0, error / bound)
    failing = ratio > 1
    if not failing.any():
        return
    index = np.unravel_index(int(np.argmax(ratio)), ratio.shape) if ratio.ndim else ()
    tol_text = str(tolerance) if isinstance(tolerance, Tolerance) else "its per-element bound"
    raise CheckFailure(
        f"{function}: {name} does not match {source}. Worst element: {format_index(name, index)} is "
        f"{format_number(values[index])} but should be {format_number(expected[index])} "
        f"(|difference| {format_number(error[index])} > tolerance {float(bound[index]):.3g}; {tol_text}). "
        f"{int(failing.sum())} of {failing.size} elements are outside the tolerance.",
        _first_hint(hints, actual), function=function,
        numbers={"index": [int(i) for i in index], "actual": float(values[index]), "expected": float(expected[index]),
                 "tolerance": float(bound[index]), "count": int(failing.sum()), "total": int(failing.size)},
    )


def expect_equal(
    actual: np.ndarray, expected: np.ndarray, name: str, function: str, *, source: str, hints: Sequence[Hint] = ()
) -> None:
    """Exact equality (labels, counts, indices); lists the first few mismatches."""
    expected = np.asarray(expected)
    expect_shape(actual, expected.shape, name, function, hints)
    wrong = actual != expected
    if not np.any(wrong):
        return
    where = [tuple(i) for i in np.argwhere(wrong)[:3]]
    shown = "; ".join(
        f"{format_index(name, i)} is {format_number(actual[i])} but should be {format_number(expected[i])}"
        for i in where
    )
    first = where[0]
    raise CheckFailure(
        f"{function}: {name} does not match {source} at {int(np.sum(wrong))} of {wrong.size} positions: {shown}.",
        _first_hint(hints, actual), function=function,
        numbers={"index": [int(i) for i in first], "actual": _number(actual[first]),
                 "expected": _number(expected[first]), "count": int(np.sum(wrong)), "total": int(wrong.size)},
    )


def expect_accuracy(function: str, mine: float, theirs: float, message: str, margin: float = ACCURACY_MARGIN) -> None:
    """An end-to-end result (a test accuracy) may fall short of ``theirs`` by at most ``margin``.
    ``message`` says so for this check, with the fields ``{mine}``, ``{theirs}`` and ``{margin}``."""
    if mine < theirs - margin:
        raise CheckFailure(message.format(mine=mine, theirs=theirs, margin=margin), kind="below_target",
                           function=function, numbers={"actual": mine, "expected": theirs, "tolerance": margin})


def _same(old: Any, new: Any) -> bool:
    """Equal values of the same kinds, containers compared element by element."""
    if isinstance(old, np.ndarray):
        return (isinstance(new, np.ndarray) and new.shape == old.shape and new.dtype == old.dtype
                and bool(np.array_equal(new, old, equal_nan=old.dtype.kind == "f")))
    if type(old) in (list, tuple):
        return type(new) is type(old) and len(new) == len(old) and all(_same(o, n) for o, n in zip(old, new))
    if type(old) is dict:
        return type(new) is dict and list(new) == list(old) and all(_same(old[k], new[k]) for k in old)
    if isinstance(old, (Handle, Build)):
        return True  # objects built on the student's side: nothing of the caller's to change
    return type(new) is type(old) and bool(new == old)


def expect_unchanged(function: str, names: Sequence[str], before: Sequence[Any], outcome: CallOutcome) -> None:
    """The positional arguments named ``names`` must be as they were before the call."""
    for name, old, new in zip(names, before, outcome.args_after):
        if not _same(old, new):
            raise CheckFailure(f"{function} modified its input {name}; inputs must be left unchanged.",
                               COMMON_HINTS["input_modified"], kind="modified_input", function=function)


class InputsUntouched:
    """A door that holds every call to the contract: an argument the function may not change
    ("inputs are never modified unless a function says in place") must be as it was after the
    call, or the check fails naming that argument, whatever it goes on to look at, when it is
    one of ``functions`` that changed it. Caches count: a backward pass that changes its cache
    fails as one that changes dout."""

    def __init__(self, door: Any, arguments: Mapping[str, Sequence[str]],
                 in_place: Mapping[str, Sequence[str]], functions: Iterable[str]) -> None:
        self._door = door
        self._arguments = arguments
        self._in_place = in_place
        self._functions = set(functions)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._door, name)

    def call(self, function: str, *args: Any, **kwargs: Any) -> CallOutcome:
        return self._held(self._door.call(function, *args, **kwargs), function, args, kwargs)

    def call_keeping(self, function: str, keep: Sequence[int], *args: Any, **kwargs: Any) -> CallOutcome:
        return self._held(self._door.call_keeping(function, keep, *args, **kwargs), function, args, kwargs)

    def call_each(self, calls: Sequence[tuple[str, Sequence[Any]] | Call | Made]) -> list[CallOutcome]:
        parts = [as_part(part) for part in calls]
        return [self._held(outcome, part.function, part.args, part.kwargs or {}) if isinstance(part, Call) else outcome
                for part, outcome in zip(parts, self._door.call_each(parts))]

    def _held(self, outcome: CallOutcome, function: str, args: tuple, kwargs: dict) -> CallOutcome:
        if function not in self._functions:
            return outcome
        names = list(self._arguments.get(function, ()))
        names += [f"argument {i + 1}" for i in range(len(names), len(args))]
        may_change = set(self._in_place.get(function, ()))
        kept = [(name, old, new) for name, old, new in zip(names, args, outcome.args_after) if name not in may_change]
        kept += [(key, kwargs[key], outcome.kwargs_after[key]) for key in kwargs if key not in may_change]
        for name, old, new in kept:
            if not _same(old, new):
                raise CheckFailure(f"{function} modified its input {name}; inputs must be left unchanged.",
                                   COMMON_HINTS["input_modified"], kind="modified_input", function=function)
        return outcome


def expect_raises(function: str, attempt: Callable[[], CallOutcome], exc_name: str, what: str) -> StudentRaised:
    """``attempt()`` (a door call) must raise ``exc_name`` (or a subclass)."""
    try:
        outcome = attempt()
    except StudentRaised as raised:
        if raised.not_implemented:
            raise
        if not raised.is_a(exc_name):
            raise CheckFailure(
                f"{function} should raise {exc_name} when {what}, but raised {raised.exc_types[0]}"
                + (f": {raised.exc_message}" if raised.exc_message else "")
                + ".", kind="wrong_exception", function=function,
            ) from None
        return raised
    raise CheckFailure(
        f"{function} should raise {exc_name} when {what}, but it returned {describe_value(outcome.value)}.",
        Hint("common/no_validation",
             f"check the argument at the start of the function and raise {exc_name}('...') with a message naming it."),
        kind="no_exception", function=function,
    )


def expect_no_warnings(outcome: CallOutcome) -> None:
    if outcome.warnings:
        raise CheckFailure(
            f"{outcome.function} issued {len(outcome.warnings)} warning(s); the first: {outcome.warnings[0]}.",
            kind="warning", function=outcome.function,
        )
