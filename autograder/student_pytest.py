"""pytest hooks that turn each public check into a test item (imported by the generated
``conftest.py`` next to the assignment folders).

``pytest knn`` collects ``knn/knn.py`` — without importing it — as one item per public check of
the kNN suite, named like the check (``knn/knn.py::knn_predict/ties``), so that ``-k`` selects
checks by name. A failed item shows the check's message and nothing of the grader's internals;
the run ends with the score table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .core.report import format_points, points_text, points_word, refer_to, result_text, score_table
from .core.runner import Limits, result_without_running, run_check
from .suites import ASSIGNMENTS, load_suite

__all__ = ["pytest_collect_file", "pytest_terminal_summary"]

_RESULTS = pytest.StashKey[list]()
_BROKEN_IMPORTS = pytest.StashKey[dict]()  # module path -> (the first check that met it, the failure of its import)


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
            result = run_check(self.check, self.path, limits=Limits())
            if result.import_failed:
                broken[self.path] = (self.check.full_name, result.failure)
        self.config.stash.setdefault(_RESULTS, []).append(result)
        if not result.passed:
            raise CheckFailed(result_text(result))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CheckFailed):
            points = self.check.points
            return f"{excinfo.value}\n({self.check.full_name}: 0/{format_points(points)} {points_word(points)})"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.check.full_name} [{points_text(self.check.points)}]"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    results = config.stash.get(_RESULTS, [])
    if not results:
        return
    terminalreporter.section("score")
    terminalreporter.write(score_table(results))
    terminalreporter.write_line("(public checks only; the instructor's grade also includes hidden checks)")
