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
from .core.report import format_points, result_text, score_table
from .core.results import CheckResult, Failure
from .core.runner import Limits, result_without_running, run_check
from .suites import ASSIGNMENTS, load_suite

__all__ = ["pytest_collect_file", "pytest_terminal_summary"]

_RESULTS = pytest.StashKey[list]()
_BROKEN_IMPORTS = pytest.StashKey[dict]()  # module path -> the failure of its import


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
            result = result_without_running(self.check, broken[self.path])
        else:
            with stuck_handler(self._ended):
                result = run_check(self.check, self.path, limits=Limits())
            if result.import_failed:
                broken[self.path] = result.failure
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
            return f"{excinfo.value}\n({self.check.full_name}: 0/{format_points(self.check.points)} points)"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.check.full_name} [{format_points(self.check.points)} pts]"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    results = config.stash.get(_RESULTS, [])
    if not results:
        return
    terminalreporter.section("score")
    terminalreporter.write(score_table(results))
    terminalreporter.write_line("(public checks only; the instructor's grade also includes hidden checks)")
