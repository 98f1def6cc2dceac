"""Running checks: a fresh door per check (the module imported afresh), every failure contained,
a result for every check."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..environment import environment_message, missing_package
from .checks import Check, Context, Contract, Suite, module_file
from .door import Call, CallOutcome, Door, InProcessDoor, StudentProblem, StudentTimeout, as_part
from .results import BUDGET_USED, CheckResult, Failure
from .verdicts import CheckFailure, InputsUntouched

__all__ = ["DoorFactory", "GraderError", "Limits", "Stalled", "environment_failure", "failure_of", "grade_suite",
           "in_process_doors", "result_without_running", "run_check"]


class GraderError(Exception):
    """The grader itself cannot go on (missing reference, broken reference, bad arguments)."""


@dataclass(frozen=True)
class Limits:
    """Limits on student code.

    ``check_seconds``: the time one check's student code may take in all (import included;
    the reference's and the grader's time do not count): CPU time in an isolated worker, so that
    a busy machine gives the same grade (code that waits instead of computing is stopped by the
    clock), time of the clock in this process. ``submission_seconds``: the same, summed over all
    checks of a submission; checks past it score 0. The rest apply to the
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
    """Student code in this very process: the students' local runs (trusted with their own code),
    timed in CPU time as a worker is, so that a busy machine gives the same grade."""
    return InProcessDoor(path, time_limit=time_limit, label=label, watch_waiting=True)


class _ReferenceDoor(InProcessDoor):
    """The door to the reference: a failure there is the grader's problem, not the student's."""

    def call_keeping(self, function, keep, *args, **kwargs):
        try:
            return super().call_keeping(function, keep, *args, **kwargs)
        except StudentProblem as problem:
            raise GraderError(f"the reference solution failed: {problem.describe()}") from None

    def call_each(self, calls):
        try:
            return super().call_each(calls)
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
                   getattr(problem, "numbers", {}), cause=getattr(problem, "cause", None))


def slow_code(failure: Failure, student: Door, reference: Door | None) -> Failure:
    """A timeout's failure, naming the function the time went to (which need not be the one
    the check is filed under) and how long it took per call, against the reference's calls in
    the same check where there were some."""
    timings = getattr(student, "timings", {})
    advice = " Look for an infinite loop, or for loops over elements that numpy could do at once."
    if not timings:
        return replace(failure, message=failure.message + advice)
    ranked = sorted(timings.items(), key=lambda item: -item[1].seconds)
    total = sum(t.seconds for _, t in ranked)
    name, spent = ranked[0]
    parts = []
    for other, t in ranked[:3]:
        if other == name or t.seconds >= 0.1 * total:
            calls = f"{t.calls} call{'s' if t.calls != 1 else ''}"
            parts.append(f"{other} {t.seconds / t.calls:.2g} s per call ({calls}, {t.seconds:.1f} s in all")
            theirs = getattr(reference, "timings", {}).get(other) if reference is not None else None
            if theirs is not None and theirs.calls and theirs.seconds > 0:
                parts[-1] += f", {t.seconds / t.calls / (theirs.seconds / theirs.calls):.0f}x the reference's"
            parts[-1] += ")"
    numbers = {"calls": spent.calls, "seconds_per_call": spent.seconds / spent.calls}
    return replace(failure, message=f"{failure.message} Your code spent its time in {', '.join(parts)}.{advice}",
                   function=name, numbers={**failure.numbers, **numbers})


def environment_failure(error: BaseException) -> Failure | None:
    """The failure of a check whose own code (or an oracle's) could not import a package, which
    the Python running it lacks (PyTorch in a student's global Python); None for other errors."""
    package = missing_package(error)
    return Failure("environment", environment_message(package)) if package is not None else None


# Failures after which a function's later checks are not run: each would wait out its time
# limit (or crash) again, and one endless loop would cost a student one time limit per check.
_STALLS = {"timed_out": "ran out of time", "crashed": "crashed the process running it"}


@dataclass
class Stalled:
    """The functions of one submission's module that ran out of time or crashed, each with the
    check where it first happened. Their later checks are not run, and a check of another
    function that calls one of them directly fails at once ("fail fast"): a student whose
    knn_predict never returns waits one time limit for it (and one for cross_validate_k, which
    calls it inside the student's code), not one per check."""

    where: dict[str, tuple[str, str]] = field(default_factory=dict)  # function -> (check, what happened)

    def note(self, result: CheckResult) -> None:
        failure = result.failure
        if failure is not None and failure.kind in _STALLS and failure.function:
            self.where.setdefault(failure.function, (result.check.name, _STALLS[failure.kind]))

    def failure(self, function: str) -> Failure | None:
        if function not in self.where:
            return None
        check, what = self.where[function]
        return Failure("not_run", f"Not run: {function} {what} in {check}, so its later checks are not run (each "
                                  f"would wait out the time limit again). Fix {function} first.", function)


class _FailFast:
    """A door that refuses calls to the functions that stalled in earlier checks (they would
    stall again): the check fails at once, as not run."""

    def __init__(self, door: Any, stalled: Stalled) -> None:
        self._door = door
        self._stalled = stalled

    def __getattr__(self, name: str) -> Any:
        return getattr(self._door, name)

    def _refuse(self, function: str) -> None:
        failure = self._stalled.failure(function)
        if failure is not None:
            raise StudentProblem(failure.message, kind="not_run", function=function)

    def call(self, function: str, *args: Any, **kwargs: Any) -> CallOutcome:
        self._refuse(function)
        return self._door.call(function, *args, **kwargs)

    def call_keeping(self, function: str, keep: Sequence[int], *args: Any, **kwargs: Any) -> CallOutcome:
        self._refuse(function)
        return self._door.call_keeping(function, keep, *args, **kwargs)

    def call_each(self, calls: Sequence[Any]) -> list[CallOutcome]:
        parts = [as_part(part) for part in calls]
        for part in parts:
            if isinstance(part, Call):
                self._refuse(part.function)
        return self._door.call_each(parts)


class _Recorder:
    """A door that notes the functions a check calls (the names only)."""

    def __init__(self, door: Any) -> None:
        self._door = door
        self.called: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._door, name)

    def call(self, function: str, *args: Any, **kwargs: Any) -> CallOutcome:
        self.called.add(function)
        return self._door.call(function, *args, **kwargs)

    def call_keeping(self, function: str, keep: Sequence[int], *args: Any, **kwargs: Any) -> CallOutcome:
        self.called.add(function)
        return self._door.call_keeping(function, keep, *args, **kwargs)

    def call_each(self, calls: Sequence[Any]) -> list[CallOutcome]:
        parts = [as_part(part) for part in calls]
        self.called.update(part.function for part in parts if isinstance(part, Call))
        return self._door.call_each(parts)


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
    stalled: Stalled | None = None,
) -> CheckResult:
    """Run one check against the module at ``module_path`` and return its result. Never raises
    for anything student code does; a real Ctrl-C (KeyboardInterrupt) still stops grading.
    ``time_limit`` (default ``limits.check_seconds``) caps this check's student code.
    ``stalled``: the functions that ran out of time or crashed in this module's earlier checks
    (updated with this check's): a check of one of them is not run, a call to one fails at once."""
    if stalled is not None:
        failure = stalled.failure(check.function)
        if failure is not None:
            return result_without_running(check, failure)
    outcome = _run_check(check, module_path, reference_path, limits, open_door, time_limit, stalled)
    if stalled is not None:
        stalled.note(outcome)
    return outcome


def _run_check(check: Check, module_path: Path | None, reference_path: Path | None, limits: Limits,
               open_door: DoorFactory, time_limit: float | None, stalled: Stalled | None) -> CheckResult:
    started = time.perf_counter()

    student = None
    recorder: _Recorder | None = None

    def result(failure: Failure | None) -> CheckResult:
        spent = student.spent if student is not None else 0.0
        if failure is not None and student is not None and "Your code printed" not in failure.details:
            note = student.printed_note() if hasattr(student, "printed_note") else ""
            if note:  # what the code printed helps to see why it failed
                failure = replace(failure, details=(failure.details + "\n" + note).strip("\n"))
        called = tuple(sorted(recorder.called)) if recorder is not None else ()
        return CheckResult(check.info, 0.0 if failure else check.points, failure, time.perf_counter() - started,
                           spent, called)

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
        contract = check.contract
        guarded = (InputsUntouched(student, contract.arguments, contract.in_place, contract.inputs_count_in(check))
                   if contract is not None else student)
        if stalled is not None and stalled.where:
            guarded = _FailFast(guarded, stalled)
        recorder = _Recorder(guarded)
        check.run(Context(check, recorder, reference))
    except StudentTimeout as timeout:
        return result(slow_code(failure_of(timeout, check), student, reference))
    except (CheckFailure, StudentProblem) as failure:
        return result(failure_of(failure, check))
    except GraderError:
        raise
    except Exception as error:  # a bug in the check itself: the student must not silently pay for it
        return result(environment_failure(error) or Failure(
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
    stop: threading.Event | None = None,
) -> list[CheckResult]:
    """Run every check of ``suite`` (public, plus hidden when asked) on one submission; once
    ``stop`` is set, the checks not started yet are left out (grading is being abandoned)."""
    module_path = Path(submission_dir) / suite.module_file
    reference_path = Path(solutions_dir) / suite.module_file if solutions_dir is not None else None
    results: list[CheckResult] = []
    broken_import: Failure | None = None
    stalled = Stalled()
    budget = limits.submission_seconds
    for check in suite.checks(include_hidden):
        if stop is not None and stop.is_set():
            break
        if only is not None and check.name not in only:
            continue
        if broken_import is not None:  # importing is deterministic: do not pay for it again
            results.append(result_without_running(check, broken_import))
            continue
        if budget <= 0:
            results.append(result_without_running(check, Failure(
                "not_run", f"{BUDGET_USED} ({limits.submission_seconds:g} s "
                           "of student code).")))
            continue
        outcome = run_check(check, module_path if module_path.is_file() else None, reference_path=reference_path,
                            limits=limits, open_door=open_door, time_limit=min(limits.check_seconds, budget),
                            stalled=stalled)
        budget -= outcome.student_seconds
        if outcome.import_failed:
            broken_import = outcome.failure
        results.append(with_fix_first(outcome, results, suite.contract))
    return results


# Failures that say nothing about a function's logic: nothing to fix first in them.
_NOT_LOGIC = {"not_implemented", "missing_function", "does_not_import", "no_file", "not_run", "grader_error",
              "environment"}
# Failures of a result's form, which every check of the function meets in turn.
_STRUCTURAL = {"wrong_shape", "wrong_type", "wrong_dtype", "not_finite", "raised"}


def with_fix_first(outcome: CheckResult, earlier: Sequence[CheckResult], contract: Contract) -> CheckResult:
    """A failure names the checks that failed before it of the functions it relies on, and of
    the function at fault when that is another than the check's own (a cross-validation that
    fails because the student's knn_predict breaks ties wrongly) or when the same kind of
    failure already showed in an earlier check of the same function (a wrong shape met again
    by an input check)."""
    failure = outcome.failure
    if failure is None or failure.kind in _NOT_LOGIC:
        return outcome
    at_fault = failure.function or outcome.check.function
    related = set(contract.prerequisites(outcome.check.function)) | set(contract.prerequisites(at_fault))
    if at_fault != outcome.check.function:
        related.add(at_fault)
    first = [r.check.name for r in earlier
             if r.failure is not None and r.failure.kind not in _NOT_LOGIC
             and (r.check.function in related
                  or (r.check.function == at_fault and r.failure.kind == failure.kind
                      and failure.kind in _STRUCTURAL))]
    if not first:
        return outcome
    return replace(outcome, failure=replace(failure, fix_first=tuple(dict.fromkeys(first))[:3]))
