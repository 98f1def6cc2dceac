"""pytest hooks that turn each public check into a test item (imported by the generated
``conftest.py`` next to the assignment folders).

``pytest knn`` collects ``knn/knn.py`` — without importing it — as one item per public check of
the kNN suite, named like the check (``knn/knn.py::knn_predict/ties``), so that ``-k`` selects
checks by name. A failed item shows the check's message and nothing of the grader's internals;
the run ends with the score table.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from .core.door import stuck_handler
from .core.report import format_points, points_text, points_word, refer_to, result_text, score_table
from .core.results import CheckResult, Failure
from .core.runner import Limits, Stalled, result_without_running, run_check, with_fix_first
from .suites import ASSIGNMENTS, load_suite

__all__ = ["pytest_addoption", "pytest_collect_file", "pytest_collection_finish", "pytest_terminal_summary"]

_RESULTS = pytest.StashKey[list]()
_BROKEN_IMPORTS = pytest.StashKey[dict]()  # module path -> (the first check that met it, the failure of its import)
_STALLED = pytest.StashKey[dict]()  # module path -> its functions that ran out of time or crashed
_CHECKS = pytest.StashKey[list]()  # the checks selected to run, in order


def pytest_addoption(parser) -> None:
    group = parser.getgroup("autograder", "the assignments' checks")
    try:
        group.addoption("--timeout", type=float, default=None, metavar="SECONDS",
                        help=f"time limit of one check's student code, in seconds (default "
                             f"{Limits().check_seconds:g}, as when the instructor grades)")
    except ValueError:  # pytest-timeout defines --timeout too (per test, in seconds): its value is ours
        pass


def _limits(config) -> Limits:
    seconds = config.getoption("timeout", default=None)
    if seconds is None:
        return Limits()
    if not seconds > 0:
        raise pytest.UsageError(f"--timeout must be a positive number of seconds, got {seconds:g}")
    return Limits(check_seconds=float(seconds))


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".py" and file_path.stem in ASSIGNMENTS and file_path.parent.name == file_path.stem:
        return AssignmentModule.from_parent(parent, path=file_path)
    return None


class AssignmentModule(pytest.File):
    def collect(self):
        for check in load_suite(self.path.stem).checks(include_hidden=False):
            yield CheckItem.from_parent(self, name=check.name, check=check)


class CheckFailed(Exception):
    """The check failed; its message is the check's output."""


class CheckItem(pytest.Item):
    def __init__(self, *, check, **kwargs):
        super().__init__(**kwargs)
        self.check = check

    def runtest(self) -> None:
        broken = self.config.stash.setdefault(_BROKEN_IMPORTS, {})
        if self.path in broken:  # importing is deterministic: a hang at import is paid once
            first, failure = broken[self.path]
            result = result_without_running(self.check, refer_to(failure, first))  # its traceback is above
        else:
            stalled = self.config.stash.setdefault(_STALLED, {}).setdefault(self.path, Stalled())
            with stuck_handler(self._ended):
                result = run_check(self.check, self.path, limits=_limits(self.config), stalled=stalled)
            if self.check.contract is not None:  # the failed checks it may follow from, as the grader says
                earlier = [r for r in self.config.stash.get(_RESULTS, [])
                           if r.check.assignment == self.check.assignment]
                result = with_fix_first(result, earlier, self.check.contract)
            if result.import_failed:
                broken[self.path] = (self.check.full_name, result.failure)
        self.config.stash.setdefault(_RESULTS, []).append(result)
        if not result.passed:
            raise CheckFailed(result_text(result))

    def _ended(self, message: str) -> None:
        """Student code that cannot be stopped ends the run (the door's watchdog thread calls
        this, then ends the process): this check's failure and the score table so far."""
        config = self.config
        capture = config.pluginmanager.getplugin("capturemanager")
        if capture is not None:
            capture.suspend_global_capture(in_=True)  # the terminal again, not the test's capture
        result = CheckResult(self.check.info, 0.0, Failure("timed_out", message, self.check.function))
        config.stash.setdefault(_RESULTS, []).append(result)
        reporter = config.pluginmanager.getplugin("terminalreporter")
        if reporter is None:
            return
        reporter.ensure_newline()
        reporter.write_sep("_", self.check.full_name, red=True)
        reporter.write_line(self.repr_failure(SimpleNamespace(value=CheckFailed(result_text(result)))))
        pytest_terminal_summary(reporter, pytest.ExitCode.TESTS_FAILED, config)
        reporter.write_line(f"(the run ended at {self.check.full_name}, whose code could not be stopped; "
                            "the checks after it did not run)")
        reporter.flush()

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CheckFailed):
            points = self.check.points
            return f"{excinfo.value}\n({self.check.full_name}: 0/{format_points(points)} {points_word(points)})"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.check.full_name} [{points_text(self.check.points)}]"


def pytest_collection_finish(session) -> None:
    """The checks selected to run (after -k and the like), in order; a bad --timeout stops the
    run before any check."""
    _limits(session.config)
    session.config.stash[_CHECKS] = [item.check for item in session.items if isinstance(item, CheckItem)]


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    results = config.stash.get(_RESULTS, [])
    if not results:
        return
    selected = config.stash.get(_CHECKS, [])
    ran = {(r.check.assignment, r.check.name) for r in results}
    missing = [c for c in selected if (c.assignment, c.name) not in ran]
    if missing:  # interrupted (Ctrl-C, -x): the checks not run count in the maximum, at 0
        not_run = Failure("not_run", "Not run: the run stopped before this check.")
        order = {(c.assignment, c.name): i for i, c in enumerate(selected)}
        results = sorted(results + [result_without_running(c, not_run) for c in missing],
                         key=lambda r: order.get((r.check.assignment, r.check.name), len(order)))
    terminalreporter.section("score" + (" (partial)" if missing else ""))
    terminalreporter.write(score_table(results))
    if missing:
        terminalreporter.write_line(f"PARTIAL: the run stopped after {len(ran)} of {len(selected)} checks; the "
                                    f"{len(missing)} not run count 0 here. Run pytest again to grade them all.")
    terminalreporter.write_line("(public checks only; the instructor's grade also includes hidden checks)")
