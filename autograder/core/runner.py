"""Running checks: one fresh door per check, every failure contained, a result for every check."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .checks import Check, Context, Suite, module_file
from .door import Door, InProcessDoor, StudentProblem
from .results import CheckResult, Failure
from .verdicts import CheckFailure

__all__ = ["DoorFactory", "GraderError", "Limits", "failure_of", "grade_suite", "in_process_doors",
           "result_without_running", "run_check"]


class GraderError(Exception):
    """The grader itself cannot go on (missing reference, broken reference, bad arguments)."""


@dataclass(frozen=True)
class Limits:
    """Limits on student code.

    ``check_seconds``: wall time one check's student code may take in all (import included;
    the reference's and the grader's time do not count). ``submission_seconds``: the same,
    summed over all checks of a submission; checks past it score 0. The rest apply to the
    isolated worker of each check: ``cpu_seconds`` of CPU, ``memory_bytes`` of address space,
    ``processes`` (threads included; enforced when the grader runs as root), ``output_bytes``
    written to files (printed output is captured and cut separately), ``reply_bytes`` for one
    reply, and ``submission_bytes`` copied from the assignment's folder.
    """

    check_seconds: float = 30.0
    submission_seconds: float = 900.0
    cpu_seconds: float | None = None  # default: twice check_seconds
    memory_bytes: int = 4 << 30
    processes: int = 64
    output_bytes: int = 16 << 20
    reply_bytes: int = 512 << 20
    submission_bytes: int = 100 << 20

    def __post_init__(self) -> None:
        for name in ("check_seconds", "submission_seconds", "memory_bytes", "processes", "output_bytes",
                     "reply_bytes", "submission_bytes"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
        if self.cpu_seconds is not None and not self.cpu_seconds > 0:
            raise ValueError(f"cpu_seconds must be positive, got {self.cpu_seconds!r}")

    @property
    def check_cpu_seconds(self) -> float:
        return self.cpu_seconds if self.cpu_seconds is not None else 2 * self.check_seconds


# How a check reaches student code: (module path, time limit in seconds, label) -> a door.
DoorFactory = Callable[[Path, float, str], Door]


def in_process_doors(path: Path, time_limit: float, label: str) -> InProcessDoor:
    """Student code in this very process: the students' local runs (trusted with their own code)."""
    return InProcessDoor(path, time_limit=time_limit, label=label)


class _ReferenceDoor(InProcessDoor):
    """The door to the reference: a failure there is the grader's problem, not the student's."""

    def call(self, function, *args, **kwargs):
        try:
            return super().call(function, *args, **kwargs)
        except StudentProblem as problem:
            raise GraderError(f"the reference solution failed: {problem.describe()}") from None

    def open(self) -> None:
        try:
            super().open()
        except StudentProblem as problem:
            raise GraderError(f"the reference solution failed to load: {problem.describe()}") from None

    def build(self, recipe):
        try:
            return super().build(recipe)
        except StudentProblem as problem:
            raise GraderError(f"the reference solution failed: {problem.describe()}") from None


def failure_of(problem: CheckFailure | StudentProblem, check: Check) -> Failure:
    """A verdict's or a door's exception as data. The function at fault is the one the verdict
    or the door names, else the check's own."""
    hint = problem.hint if isinstance(problem, CheckFailure) else None
    function = getattr(problem, "at_fault", None) or problem.function
    function = function.split(" ", 1)[0] if function else None
    if function is None and problem.kind != "does_not_import":
        function = check.function
    return Failure(problem.kind, problem.message, function, problem.case, hint.id if hint else None,
                   hint.text if hint else None, getattr(problem, "details", "").strip("\n"),
                   getattr(problem, "numbers", {}))


def no_file(check: Check) -> Failure:
    return Failure("no_file", f"Not graded: the submission has no file {module_file(check.assignment)}.")


def run_check(
    check: Check,
    module_path: Path | None,
    *,
    reference_path: Path | None = None,
    limits: Limits = Limits(),
    open_door: DoorFactory = in_process_doors,
    time_limit: float | None = None,
) -> CheckResult:
    """Run one check against the module at ``module_path`` and return its result. Never raises
    for anything student code does; a real Ctrl-C (KeyboardInterrupt) still stops grading.
    ``time_limit`` (default ``limits.check_seconds``) caps this check's student code."""
    started = time.perf_counter()

    student = None

    def result(failure: Failure | None) -> CheckResult:
        spent = student.spent if student is not None else 0.0
        return CheckResult(check.info, 0.0 if failure else check.points, failure, time.perf_counter() - started,
                           spent)

    if module_path is None:
        return result(no_file(check))
    student = open_door(Path(module_path), time_limit or limits.check_seconds, check.assignment)
    reference = None
    if check.needs_reference:
        if reference_path is None or not Path(reference_path).is_file():
            raise GraderError(f"{check.full_name} needs the reference solution, which was not found at "
                              f"{reference_path}")
        reference = _ReferenceDoor(reference_path, time_limit=600.0, label=f"reference_{check.assignment}")
    try:
        student.open()
        check.run(Context(check, student, reference))
    except (CheckFailure, StudentProblem) as failure:
        return result(failure_of(failure, check))
    except GraderError:
        raise
    except Exception:  # a bug in the check itself: the student must not silently pay for it
        return result(Failure(
            "grader_error",
            "The grader failed while running this check (this is not your fault; please report it):",
            details=traceback.format_exc(limit=-6)))
    finally:
        student.close()
        if reference is not None:
            reference.close()
    return result(None)


def result_without_running(check: Check, failure: Failure) -> CheckResult:
    """The result of a check that is not run: it scores 0 for ``failure`` (a module that does
    not import fails every check the same way; importing is deterministic, so it is not
    retried)."""
    return CheckResult(check.info, 0.0, failure)


def grade_suite(
    suite: Suite,
    submission_dir: Path,
    *,
    include_hidden: bool,
    solutions_dir: Path | None = None,
    limits: Limits = Limits(),
    open_door: DoorFactory = in_process_doors,
    only: Sequence[str] | None = None,
) -> list[CheckResult]:
    """Run every check of ``suite`` (public, plus hidden when asked) on one submission."""
    module_path = Path(submission_dir) / suite.module_file
    reference_path = Path(solutions_dir) / suite.module_file if solutions_dir is not None else None
    results: list[CheckResult] = []
    broken_import: Failure | None = None
    budget = limits.submission_seconds
    for check in suite.checks(include_hidden):
        if only is not None and check.name not in only:
            continue
        if broken_import is not None:  # importing is deterministic: do not pay for it again
            results.append(result_without_running(check, broken_import))
            continue
        if budget <= 0:
            results.append(result_without_running(check, Failure(
                "not_run", f"Not run: this submission used up its time budget ({limits.submission_seconds:g} s "
                           "of student code).")))
            continue
        outcome = run_check(check, module_path if module_path.is_file() else None, reference_path=reference_path,
                            limits=limits, open_door=open_door, time_limit=min(limits.check_seconds, budget))
        budget -= outcome.student_seconds
        if outcome.import_failed:
            broken_import = outcome.failure
        results.append(outcome)
    return results
