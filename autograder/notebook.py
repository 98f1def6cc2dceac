"""Checks inside a notebook: what the test cells of the generated notebooks call.

A test cell for function F of assignment A reads::

    from autograder.notebook import NotebookChecks
    checks = NotebookChecks("knn", "compute_distances", globals())
    checks.public()
    ### BEGIN HIDDEN TESTS
    checks.hidden()
    ### END HIDDEN TESTS
    checks.points

``public()`` and ``hidden()`` run the same checks as ``pytest`` and ``python -m autograder
grade``, on the functions defined in the notebook, and print a report on standard output. They
never raise and never write to standard error (nbgrader scores a cell that does 0), and the
cell's last value is the number of points earned, which nbgrader takes as partial credit.
"""

from __future__ import annotations

import contextlib
import sys
import types
import warnings
from pathlib import Path

from .core.door import InProcessDoor
from .core.report import format_points, result_text
from .core.results import CheckResult
from .core.runner import Limits, run_check
from .suites import load_suite

__all__ = ["NotebookChecks"]


class NamespaceDoor(InProcessDoor):
    """The door to functions defined in a notebook (the kernel's namespace), not in a file."""

    def __init__(self, namespace: dict, *, time_limit: float, label: str) -> None:
        super().__init__(Path(f"{label}.ipynb"), time_limit=time_limit, label=label)
        self._namespace = namespace

    def open(self) -> None:
        if self._module is None:
            self._module = types.SimpleNamespace(**self._namespace)


class NotebookChecks:
    def __init__(self, assignment: str, function: str, namespace: dict, limits: Limits | None = None) -> None:
        self.assignment, self.function, self.namespace = assignment, function, namespace
        self.limits = limits or Limits()
        self.results: list[CheckResult] = []

    def _run(self, hidden: bool) -> None:
        with contextlib.redirect_stderr(sys.stdout), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                suite = load_suite(self.assignment)
                checks = [c for c in suite.checks(include_hidden=hidden)
                          if c.function == self.function and c.hidden == hidden]
                if hidden and not checks:
                    print("(the hidden checks are not installed here; they run when your work is graded)")
                    return
                reference = None
                if hidden:
                    from .paths import solutions_dir

                    reference = solutions_dir() / suite.module_file

                def door(path, time_limit, label):
                    return NamespaceDoor(self.namespace, time_limit=time_limit, label=label)

                results = [run_check(c, Path(f"{self.assignment}.ipynb"), reference_path=reference,
                                     limits=self.limits, open_door=door) for c in checks]
            except Exception as error:  # the cell must end with its points, not a traceback
                print(f"The checks could not run: {type(error).__name__}: {error}")
                return
            self.results += results
            self._report(results, "hidden checks" if hidden else "checks")
        for warning in caught:
            print(f"(warning: {warning.category.__name__}: {warning.message})")

    def _report(self, results: list[CheckResult], kind: str) -> None:
        earned = sum(r.score for r in results)
        possible = sum(r.max_score for r in results)
        print(f"{self.function}, {kind}: {format_points(earned)}/{format_points(possible)} points")
        for r in results:
            mark = "PASS" if r.passed else "FAIL"
            print(f"  {mark} {r.check.name:<40} {format_points(r.score)}/{format_points(r.max_score)}")
            if not r.passed:
                for line in result_text(r).splitlines():
                    print(f"       {line}")

    def public(self) -> None:
        """Run the function's public checks and print what they found."""
        self._run(hidden=False)

    def hidden(self) -> None:
        """Run the function's hidden checks (instructor's installation only)."""
        self._run(hidden=True)

    @property
    def points(self) -> float:
        """Points earned so far: the cell's value, which nbgrader takes as its score."""
        return float(sum(r.score for r in self.results))
