"""Grading one submission: :func:`grade_submission` is the one function that grades.

``python -m autograder grade``, ``grade-batch`` (in each of its worker processes), the demo,
and whatever else grades a folder (Gradescope's ``run_autograder``, a cluster's task) call it
and only print or store what it returns: a :class:`~autograder.core.results.SubmissionRecord`,
plain data, which :mod:`autograder.core.report` turns into text and ``results.json``.

    submission folder -> grade_submission(folder, options) -> SubmissionRecord
        -> report.score_table / failure_details (terminal), report.gradescope_results
           (results.json), batch store (CSV row)
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import paths
from .core.door import InProcessDoor
from .core.results import CheckResult, Failure, Located, SubmissionRecord
from .core.runner import DoorFactory, GraderError, Limits, grade_suite, result_without_running
from .notebook import NotebookPlaces
from .submission import locate, materialize
from .suites import UnknownAssignment, chosen_assignments, load_suite, module_file

__all__ = ["GradingOptions", "UsageError", "grade_submission"]


class UsageError(GraderError):
    """Bad arguments: an unknown assignment, a folder that is not there, a reference missing."""


@dataclass(frozen=True)
class GradingOptions:
    """How to grade: which assignments (all by default; unknown names are refused here), public
    checks only or hidden ones too (they need the reference, in ``solutions``), the limits on
    student code, and whether student code runs isolated (the default) or, for debugging the
    grader only, in this very process. ``jobs``: how many assignments are graded side by side
    (each by a thread of this process, with workers of its own; isolated grading only): the
    grade is the same for any number, since student code is timed in CPU time. ``only``: full
    check names ("knn/knn_predict/ties"); when given, the other checks are left out of the grade
    (the bug bank's tests run only the checks that call a bug's functions)."""

    assignments: tuple[str, ...] = ()
    public_only: bool = False
    solutions: Path | None = field(default_factory=paths.solutions_dir)
    limits: Limits = Limits()
    isolated: bool = True
    jobs: int = 1
    only: tuple[str, ...] = ()  # full check names ("knn/knn_predict/ties"): only these run (all when empty)

    def __post_init__(self) -> None:
        if not (isinstance(self.jobs, int) and self.jobs >= 1):
            raise UsageError(f"jobs must be a whole number of at least 1, got {self.jobs!r}")
        try:
            object.__setattr__(self, "assignments", chosen_assignments(self.assignments))
        except UnknownAssignment as error:
            raise UsageError(str(error)) from None
        object.__setattr__(self, "solutions", Path(self.solutions or paths.solutions_dir()))
        object.__setattr__(self, "only", tuple(self.only))
        for name in self.only:
            assignment = name.split("/", 1)[0]
            known = ({c.info.full_name for c in load_suite(assignment).checks()}
                     if assignment in self.assignments else set())
            if name not in known:
                raise UsageError(f"only: {name!r} is not a check of the assignments graded "
                                 f"({', '.join(self.assignments)}); give full names, such as knn/knn_predict/ties")

    def checks(self, assignment: str) -> list:
        """The checks of ``assignment`` this grading runs: hidden ones unless ``public_only``, and
        only those named in ``only`` when it names any."""
        return [check for check in load_suite(assignment).checks(not self.public_only)
                if not self.only or check.info.full_name in self.only]

    def check_installed(self) -> None:
        """The hidden checks and the reference each chosen assignment needs are there."""
        if self.public_only:
            return
        for name in self.assignments:
            if not load_suite(name).has_hidden:
                raise UsageError(f"the hidden checks of {name} are not installed; pass --public-only to grade "
                                 "without them")
            reference = self.solutions / module_file(name)
            if not reference.is_file():
                raise UsageError(f"reference solution {reference} not found; pass --solutions DIR or --public-only")


def grade_submission(folder: Path | str, options: GradingOptions | None = None, *,
                     student: str | None = None) -> SubmissionRecord:
    """Grade one submission folder: every check of every chosen assignment gets a result, in
    the record, whatever the student's code does. Raises :class:`UsageError` for bad arguments
    and :class:`~autograder.core.runner.GraderError` when the grader itself cannot go on (the
    reference fails, the sandbox cannot start)."""
    started = time.perf_counter()
    options = options if options is not None else GradingOptions()
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"submission folder {folder} does not exist or is not a folder")
    options.check_installed()
    location = locate(folder, options.assignments)  # each assignment's module, in any layout handed in
    found = tuple(name for name in options.assignments if name in location.files)
    by_assignment = {entry.assignment: _not_found(entry, options) for entry in location.located if entry.problem}
    if found:
        ready = materialize(location)  # laid out like assignments/, notebooks' code extracted
        try:
            with _one_thread_each():
                by_assignment.update(_grade_all(options, found, ready, folder))
            for assignment, notebook in ready.notebooks:  # messages name the notebook's cells
                module = ready.folder / module_file(assignment)
                places = NotebookPlaces(module.name, notebook, module.read_text())
                by_assignment[assignment] = [replace(r, failure=places.failure(r.failure)) if r.failure else r
                                             for r in by_assignment[assignment]]
        finally:
            ready.cleanup()
    results = [result for name in options.assignments for result in by_assignment[name]]
    return SubmissionRecord(student or folder.name, str(folder), options.assignments, results,
                            time.perf_counter() - started, located=location.located)


def _not_found(entry: Located, options: GradingOptions) -> list[CheckResult]:
    """Every check of an assignment whose module is missing, or not clear, scores 0 for it."""
    if entry.problem == "missing":
        message = f"Not graded: the submission has no file {module_file(entry.assignment)}: {entry.detail}."
    else:
        message = f"Not graded: which file to grade for {entry.assignment} is not clear: {entry.detail}."
    failure = Failure("no_file", message)
    return [result_without_running(check, failure) for check in options.checks(entry.assignment)]


@contextlib.contextmanager
def _one_thread_each():
    """The grader's own NumPy and PyTorch work is small (oracles on small cases, short
    trainings): BLAS and OpenMP pools of one thread, restored afterwards. Larger pools only spin
    (OpenBLAS threads wait busily for a while after each call), taking the core a worker or
    another lane needs."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings threadpoolctl
        yield
        return
    with threadpool_limits(1):
        torch = sys.modules.get("torch")
        if torch is None:
            yield
            return
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(threads)


def _grade_all(options: GradingOptions, names: Sequence[str], ready, folder: Path) -> dict[str, list[CheckResult]]:
    """The results of each of ``names``, one after the other or side by side (``options.jobs``)."""
    doors = _doors(options, names, [ready.folder.resolve(), folder.resolve()], ready.shown_as)

    def grade(name: str, stop: threading.Event | None = None) -> list[CheckResult]:
        only = [full.split("/", 1)[1] for full in options.only if full.split("/", 1)[0] == name]
        return grade_suite(load_suite(name), ready.folder, include_hidden=not options.public_only,
                           solutions_dir=options.solutions, limits=options.limits, open_door=doors, stop=stop,
                           only=only if options.only else None)

    lanes = min(options.jobs, len(names)) if options.isolated else 1
    try:
        return (_side_by_side(grade, names, lanes, doors) if lanes > 1
                else {name: grade(name) for name in names})
    finally:
        finish = getattr(doors, "finish", None)  # workers kept for a next check of this submission
        if finish is not None:
            finish()


def _side_by_side(grade: Callable[[str, threading.Event], list[CheckResult]], assignments: Sequence[str], lanes: int,
                  doors: DoorFactory) -> dict[str, list[CheckResult]]:
    """``{name: grade(name)}`` for every assignment, ``lanes`` threads taking the longest first.
    Each assignment's checks still run in their order, one after the other, so that its results
    and its time budget are those of a grading one by one. The first exception of a lane (the
    grader cannot go on) is raised here once every lane stopped; Ctrl-C kills the running
    workers and stops every lane at once."""
    waiting = sorted(assignments, key=lambda name: -load_suite(name).seconds)
    done: dict[str, list[CheckResult]] = {}
    errors: list[BaseException] = []
    stop = threading.Event()
    lock = threading.Lock()

    def lane() -> None:
        with _one_thread_each():  # OpenMP's pool size is the calling thread's own setting
            take_assignments()

    def take_assignments() -> None:
        while not stop.is_set():
            with lock:
                if not waiting:
                    return
                name = waiting.pop(0)
            try:
                done[name] = grade(name, stop)
            except BaseException as error:  # noqa: BLE001 - handed to the main thread
                errors.append(error)
                abandon()

    def abandon() -> None:
        """Stop every lane now: no new check starts, the running workers are killed."""
        stop.set()
        kill_workers = getattr(doors, "kill_workers", None)
        if kill_workers is not None:
            kill_workers()

    threads = [threading.Thread(target=lane, name=f"grading-lane-{i}", daemon=True) for i in range(lanes)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except KeyboardInterrupt:
        abandon()
        for thread in threads:
            thread.join(timeout=5)
        raise
    if errors:
        raise errors[0]
    return done


def _doors(options: GradingOptions, names: Sequence[str], submissions: list[Path],
           shown_as: Sequence[tuple[str, str]]) -> DoorFactory:
    """Where student code runs: sandboxed workers (the default), or this process."""
    if not options.isolated:
        def open_in_process(path: Path, time_limit: float, label: str) -> InProcessDoor:
            return InProcessDoor(path, time_limit=time_limit, label=label, shown_as=shown_as, watch_waiting=True)

        return open_in_process
    from .isolation.client import worker_doors

    # Sandboxed workers can read none of: the grader's package (hidden checks), the reference
    # solutions, the repository's history and tests, and the submissions themselves (each worker
    # gets a copy of its own assignment folder).
    protected = [paths.PACKAGE, paths.solutions_dir(), options.solutions, paths.ROOT / ".git", paths.ROOT / "tests",
                 *submissions]
    suites = [load_suite(name) for name in names]
    doors = worker_doors(options.limits, protected, sorted({m for s in suites for m in s.worker_preload}), shown_as)
    # While the fork server starts on another core, import what the checks will need.
    for suite in suites:
        for module in suite.preload:
            importlib.import_module(module)
    if "torch" in sys.modules:
        # The grader's own tensors are tiny (oracles on small cases, short trainings), and the
        # student's worker runs on the other core: one thread is several times faster here.
        sys.modules["torch"].set_num_threads(1)
    return doors
