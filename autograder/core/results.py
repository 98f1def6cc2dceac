"""Results as data: what a check found (:class:`Failure`), one check's result
(:class:`CheckResult`) and one submission's (:class:`SubmissionRecord`).

Nothing here is text for people: :mod:`.report` makes the terminal's table, the pytest
messages and Gradescope's ``results.json`` from these, in one place. Every field is plain data,
so a record travels as JSON (``to_json`` / ``from_json``) between the process that graded it and
the one that stores it (a process pool today, a cluster's nodes tomorrow), and other tools can
count failures by kind, function and hint without reading messages.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["KINDS", "STATUSES", "CheckInfo", "CheckResult", "Failure", "SubmissionRecord", "json_number"]

# Every kind of failure, and what it means. A verdict against an answer names one of the first
# group; a problem in running student code one of the second; the grader itself, or the Python
# it runs in, the last two.
KINDS: dict[str, str] = {
    "wrong_value": "a value differs from the expected one beyond the tolerance",
    "wrong_shape": "an array has the wrong shape",
    "wrong_type": "a result has the wrong type or structure (not an array, not a float, not a pair ...)",
    "wrong_dtype": "an array has the wrong kind of dtype",
    "not_finite": "an array holds NaN or infinity",
    "modified_input": "the function changed an argument it was given",
    "warning": "the function issued a warning",
    "no_exception": "the function returned where it should have raised",
    "wrong_exception": "the function raised another exception than the one asked for",
    "below_target": "an end-to-end run (training, accuracy) fell short of its target",
    "raised": "the function raised an exception",
    "not_implemented": "the function (or one it calls) is still the stub",
    "missing_function": "the module has no function of that name",
    "timed_out": "student code ran out of time",
    "crashed": "the process running student code ended, or broke its channel to the grader",
    "does_not_import": "the module could not be imported",
    "no_file": "the submission has no module for the assignment",
    "not_run": "the check was not run (the submission's time budget was used up)",
    "grader_error": "the grader itself failed (not the student's fault)",
    "environment": "the Python running the checks lacks a package they need (an installation, not the student's code)",
}


def json_number(x: Any) -> Any:
    """A number as JSON can hold it: NaN and infinities as the strings "nan", "inf", "-inf", a
    complex number as its text; anything else that is not a number as its text too."""
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return x
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real):
        x = float(x)
        return x if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf"))
    return str(x)


@dataclass(frozen=True)
class Failure:
    """Why a check scored 0, as data.

    ``kind`` is one of :data:`KINDS`; ``function`` the student function at fault (None when no
    function is, as for a module that does not import); ``case`` the row of the check's table;
    ``hint_id`` and ``hint`` the known mistake that fits the symptom; ``details`` what follows
    the message (a traceback, what the code printed); ``numbers`` what was compared: ``index``
    (of the worst element), ``actual``, ``expected``, ``tolerance``, ``count`` (elements off)
    and ``total``, or ``actual_shape`` / ``expected_shape``, as applies.
    """

    kind: str
    message: str
    function: str | None = None
    case: str | None = None
    hint_id: str | None = None
    hint: str | None = None
    details: str = ""
    numbers: Mapping[str, Any] = field(default_factory=dict)
    fix_first: tuple[str, ...] = ()  # checks that failed before this one, of functions it relies on

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown failure kind {self.kind!r}")

    def to_json(self) -> dict:
        """The failure as JSON (Gradescope's per-test ``extra_data``)."""
        data: dict[str, Any] = {"kind": self.kind, "function": self.function, "hint_id": self.hint_id}
        if self.case is not None:
            data["case"] = self.case
        if self.numbers:
            data["numbers"] = _json_numbers(self.numbers)
        if self.fix_first:
            data["fix_first"] = list(self.fix_first)
        return data

    def to_record(self) -> dict:
        """Everything, for a record that travels between processes (``from_record`` inverts it)."""
        return {"kind": self.kind, "message": self.message, "function": self.function, "case": self.case,
                "hint_id": self.hint_id, "hint": self.hint, "details": self.details,
                "numbers": _json_numbers(self.numbers), "fix_first": list(self.fix_first)}

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Failure:
        return cls(**{**data, "numbers": dict(data.get("numbers") or {}),
                      "fix_first": tuple(data.get("fix_first") or ())})


def _json_numbers(numbers: Mapping[str, Any]) -> dict:
    def convert(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [convert(v) for v in value]
        return json_number(value)

    return {key: convert(value) for key, value in numbers.items()}


@dataclass(frozen=True)
class CheckInfo:
    """What a result needs to know of its check (plain data; the check's code stays behind)."""

    assignment: str
    name: str  # "<function>/<aspect>"
    function: str
    points: float
    hidden: bool
    description: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.assignment}/{self.name}"

    @property
    def visibility(self) -> str:
        """Gradescope visibility: public checks at once, hidden ones when grades are published."""
        return "after_published" if self.hidden else "visible"


@dataclass(frozen=True)
class CheckResult:
    """One check's result: its points, and the failure when it did not pass."""

    check: CheckInfo
    score: float
    failure: Failure | None = None
    seconds: float = 0.0  # wall time of the check
    student_seconds: float = 0.0  # of which student code

    @property
    def name(self) -> str:
        return self.check.full_name

    @property
    def max_score(self) -> float:
        return self.check.points

    @property
    def passed(self) -> bool:
        return self.failure is None and self.score >= self.check.points

    @property
    def status(self) -> str:
        return "passed" if self.passed else "failed"

    @property
    def internal_error(self) -> bool:
        """The check could not be judged, and not because of the student's code: the grader
        failed, or the Python it ran in lacks a package (to be looked at, not graded)."""
        return self.failure is not None and self.failure.kind in ("grader_error", "environment")

    @property
    def import_failed(self) -> bool:
        return self.failure is not None and self.failure.kind == "does_not_import"

    def to_record(self) -> dict:
        return {"check": self.check.__dict__.copy(), "score": self.score,
                "failure": self.failure.to_record() if self.failure else None,
                "seconds": self.seconds, "student_seconds": self.student_seconds}

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> CheckResult:
        failure = data.get("failure")
        return cls(CheckInfo(**data["check"]), float(data["score"]),
                   Failure.from_record(failure) if failure else None, float(data["seconds"]),
                   float(data["student_seconds"]))


# A record's status: every check has a result ("graded"); every check has one but the grader
# failed on some ("grader_error": those score 0 and must be looked at); or nothing could be
# graded because the grader itself could not run ("not_graded": ``error`` says why).
STATUSES = ("graded", "grader_error", "not_graded")


@dataclass
class SubmissionRecord:
    """One submission, graded: who, which assignments, every check's result, how long it took."""

    student: str
    folder: str
    assignments: tuple[str, ...]
    results: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0  # wall time of grading
    error: str = ""  # why it was not graded (status "not_graded")

    @property
    def status(self) -> str:
        if self.error:
            return "not_graded"
        return "grader_error" if self.internal_errors else "graded"

    @property
    def internal_errors(self) -> list[str]:
        return [r.name for r in self.results if r.internal_error]

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.results)

    @property
    def student_seconds(self) -> float:
        return sum(r.student_seconds for r in self.results)

    def scores(self) -> tuple[dict[str, float], dict[str, float]]:
        """(points earned, points possible) per assignment, every chosen assignment present."""
        earned = {name: 0.0 for name in self.assignments}
        possible = {name: 0.0 for name in self.assignments}
        for r in self.results:
            earned[r.check.assignment] += r.score
            possible[r.check.assignment] += r.max_score
        return earned, possible

    def to_json(self) -> dict:
        return {"student": self.student, "folder": self.folder, "assignments": list(self.assignments),
                "results": [r.to_record() for r in self.results], "seconds": self.seconds, "error": self.error}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SubmissionRecord:
        return cls(data["student"], data["folder"], tuple(data["assignments"]),
                   [CheckResult.from_record(r) for r in data["results"]], float(data["seconds"]), data["error"])
