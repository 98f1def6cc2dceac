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

__all__ = ["IMPORT_CAUSES", "KINDS", "STATUSES", "AssignmentStatus", "CheckInfo", "CheckResult", "Failure", "Located",
           "SubmissionRecord", "json_number"]

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
    "not_run": "the check was not run (the submission's time budget was used up, a function it needs ran out of "
               "time or crashed in an earlier check, or the run was interrupted)",
    "grader_error": "the grader itself failed (not the student's fault)",
    "environment": "the Python running the checks lacks a package they need (an installation, not the student's code)",
}

# Why a module did not import (a ``does_not_import`` failure's ``cause``): it raised (a syntax
# error, a missing package, sys.exit), ran out of time, or crashed the process importing it.
IMPORT_CAUSES = ("raised", "timed_out", "crashed")


# The message of the checks not run once a submission's time budget is used up starts so.
BUDGET_USED = "Not run: this submission used up its time budget"


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
    cause: str | None = None  # a "does_not_import" failure's cause: one of IMPORT_CAUSES

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown failure kind {self.kind!r}")
        if self.cause is not None and self.cause not in IMPORT_CAUSES:
            raise ValueError(f"unknown import failure cause {self.cause!r}")

    def to_json(self) -> dict:
        """The failure as JSON (Gradescope's per-test ``extra_data``)."""
        data: dict[str, Any] = {"kind": self.kind, "function": self.function, "hint_id": self.hint_id}
        if self.case is not None:
            data["case"] = self.case
        if self.numbers:
            data["numbers"] = _json_numbers(self.numbers)
        if self.fix_first:
            data["fix_first"] = list(self.fix_first)
        if self.cause is not None:
            data["cause"] = self.cause
        return data

    def to_record(self) -> dict:
        """Everything, for a record that travels between processes (``from_record`` inverts it)."""
        return {"kind": self.kind, "message": self.message, "function": self.function, "case": self.case,
                "hint_id": self.hint_id, "hint": self.hint, "details": self.details,
                "numbers": _json_numbers(self.numbers), "fix_first": list(self.fix_first), "cause": self.cause}

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
    called: tuple[str, ...] = ()  # the student functions the check called (sorted), not those they call in turn

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
                "seconds": self.seconds, "student_seconds": self.student_seconds, "called": list(self.called)}

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> CheckResult:
        failure = data.get("failure")
        return cls(CheckInfo(**data["check"]), float(data["score"]),
                   Failure.from_record(failure) if failure else None, float(data["seconds"]),
                   float(data["student_seconds"]), tuple(data.get("called", ())))


# What happened to a submission, from the best to the worst, for each chosen assignment and in
# all (the worst of its assignments'). The first six say what became of an assignment's module;
# the last two are the grader's problems: they must be looked at, the student is not at fault.
STATUSES: dict[str, str] = {
    "graded": "the module was found and imported, and every check ran (its score says the rest)",
    "crashed": "importing the module crashed the process importing it",
    "timed_out": "importing the module ran out of time, or checks were not run: the submission used up its time budget",
    "does_not_import": "the module could not be imported (it raised: a syntax error, a missing package ...)",
    "missing": "no module or notebook of the assignment was found in the submission",
    "ambiguous": "several different candidates for the assignment's module were found; none was graded",
    "grader_error": "the grader itself failed on some checks (those score 0 and must be looked at)",
    "not_graded": "the grader could not grade the submission at all (``error`` says why)",
}


@dataclass(frozen=True)
class Located:
    """Where a submission's module (or notebook) for one assignment was found: ``path``, relative
    to the submission folder (``knn/knn.py``, ``knn.py``, ``my_submission/knn/knn.ipynb`` ...);
    or why none is graded: ``problem`` "missing" or "ambiguous", and ``detail`` (what was
    expected and what is there; the candidates). ``note``: other candidates, not graded."""

    assignment: str
    path: str = ""
    problem: str = ""
    detail: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.problem not in ("", "missing", "ambiguous"):
            raise ValueError(f"unknown problem {self.problem!r}")
        if bool(self.path) == bool(self.problem):
            raise ValueError("a located module has either a path or a problem")

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AssignmentStatus:
    """What happened to one assignment of a submission: one of :data:`STATUSES` (never the
    last two, which are the whole submission's) and, unless "graded", the detail."""

    assignment: str
    status: str
    detail: str = ""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


@dataclass
class SubmissionRecord:
    """One submission, graded: who, which assignments, every check's result, how long it took."""

    student: str
    folder: str
    assignments: tuple[str, ...]
    results: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0  # wall time of grading
    error: str = ""  # why it was not graded (status "not_graded")
    located: tuple[Located, ...] = ()  # where each chosen assignment's module was found, or why not

    @property
    def status(self) -> str:
        """One of :data:`STATUSES`: the worst thing that happened to the submission."""
        if self.error:
            return "not_graded"
        if self.internal_errors:
            return "grader_error"
        order = list(STATUSES)
        return max((s.status for s in self.assignment_statuses()), key=order.index, default="graded")

    def assignment_statuses(self) -> list[AssignmentStatus]:
        """What happened to each chosen assignment (see :data:`STATUSES`). Nothing when the
        grader could not grade the submission."""
        if self.error:
            return []
        located = {entry.assignment: entry for entry in self.located}
        statuses = []
        for name in self.assignments:
            results = [r for r in self.results if r.check.assignment == name]
            failures = [r.failure for r in results if r.failure is not None]
            entry = located.get(name)
            broken = next((f for f in failures if f.kind == "does_not_import"), None)
            # checks left out because the submission's time budget ran out (not those of a function
            # that timed out earlier: that is a grade, like the timeout itself)
            not_run = [f for f in failures if f.kind == "not_run" and f.message.startswith(BUDGET_USED)]
            if entry is not None and entry.problem:
                statuses.append(AssignmentStatus(name, entry.problem, entry.detail))
            elif any(f.kind == "no_file" for f in failures):
                no_file = next(f for f in failures if f.kind == "no_file")
                statuses.append(AssignmentStatus(name, "missing", _first_line(no_file.message)))
            elif broken is not None:
                status = broken.cause if broken.cause in ("timed_out", "crashed") else "does_not_import"
                statuses.append(AssignmentStatus(name, status, _first_line(broken.message)))
            elif not_run:
                detail = f"{len(not_run)} of {len(results)} checks not run: {_first_line(not_run[0].message)}"
                statuses.append(AssignmentStatus(name, "timed_out", detail))
            else:
                statuses.append(AssignmentStatus(name, "graded"))
        return statuses

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
                "results": [r.to_record() for r in self.results], "seconds": self.seconds, "error": self.error,
                "located": [entry.to_json() for entry in self.located]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SubmissionRecord:
        return cls(data["student"], data["folder"], tuple(data["assignments"]),
                   [CheckResult.from_record(r) for r in data["results"]], float(data["seconds"]), data["error"],
                   tuple(Located(**entry) for entry in data.get("located", ())))
