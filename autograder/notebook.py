"""Checks inside a notebook: what the test cells of the generated notebooks call; and the
places in a notebook that messages name.

A test cell for function F of assignment A reads::

    from autograder.notebook import NotebookChecks
    checks = NotebookChecks("knn", "compute_distances", globals())
    checks.run()
    checks.points

``run()`` runs the same checks as ``pytest`` and ``python -m autograder grade``, on the
functions defined in the notebook: the public ones, and the hidden ones where they are installed
(the instructor's grading: ``nbgrader autograde``; the student bundle has none, and their code
is in the grader's package, not in the notebook). It prints a report on standard output, never
raises and never writes to standard error (nbgrader scores a cell that does 0), and the cell's
last value is the number of points earned, which nbgrader takes as partial credit. The cell is
the same in the source and the released notebook, so nbgrader's checksum of it does not change
between release and autograde. (``public()`` and ``hidden()``, which notebooks generated before
``run()`` call, still work.)

Places: a module extracted from a submitted notebook (:func:`autograder.submission.notebook_module`)
marks where each cell's code begins; :class:`NotebookPlaces` turns "knn.py line 89" in a
message into "knn.ipynb, cell 7, line 3". Inside a kernel, IPython names a cell's code after a
hash ("2626228522.py"); the reports of the test cells name it as IPython's own tracebacks do,
"Cell In[5], line 24".
"""

from __future__ import annotations

import contextlib
import linecache
import re
import sys
import types
import warnings
from dataclasses import replace
from pathlib import Path

from .core.door import InProcessDoor
from .core.report import format_points, points_word, result_text
from .core.results import CheckResult, Failure
from .core.runner import Limits, run_check
from .suites import load_suite

__all__ = ["NotebookChecks", "NotebookPlaces"]

_CELL_MARKER = re.compile(r"^# ---- notebook cell (\d+) ----$")


class NamespaceDoor(InProcessDoor):
    """The door to functions defined in a notebook (the kernel's namespace), not in a file."""

    def __init__(self, namespace: dict, *, time_limit: float, label: str) -> None:
        super().__init__(Path(f"{label}.ipynb"), time_limit=time_limit, label=label, watch_waiting=True)
        self._namespace = namespace

    def open(self) -> None:
        if self._module is None:
            self._module = types.SimpleNamespace(**self._namespace)


class NotebookChecks:
    def __init__(self, assignment: str, function: str, namespace: dict, limits: Limits | None = None) -> None:
        self.assignment, self.function, self.namespace = assignment, function, namespace
        self.limits = limits or Limits()
        self.results: list[CheckResult] = []

    def _run(self, hidden: bool, quiet_without_hidden: bool = False) -> None:
        with contextlib.redirect_stderr(sys.stdout), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                suite = load_suite(self.assignment)
                checks = [c for c in suite.checks(include_hidden=hidden)
                          if c.function == self.function and c.hidden == hidden]
                if hidden and not checks:
                    if not quiet_without_hidden:
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
            self._report([_in_kernel_cells(r) for r in results], "hidden checks" if hidden else "checks")
        for warning in caught:
            print(f"(warning: {warning.category.__name__}: {warning.message})")

    def _report(self, results: list[CheckResult], kind: str) -> None:
        earned = sum(r.score for r in results)
        possible = sum(r.max_score for r in results)
        print(f"{self.function}, {kind}: {format_points(earned)}/{format_points(possible)} {points_word(possible)}")
        for r in results:
            mark = "PASS" if r.passed else "FAIL"
            print(f"  {mark} {r.check.name:<40} {format_points(r.score)}/{format_points(r.max_score)}")
            if not r.passed:
                for line in result_text(r).splitlines():
                    print(f"       {line}")

    def run(self) -> None:
        """Run the function's public checks, then its hidden ones where they are installed (a
        student's environment has none: nothing is said of them there), and print what they
        found."""
        self._run(hidden=False)
        self._run(hidden=True, quiet_without_hidden=True)

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


# --- places in a notebook -------------------------------------------------------------------------


class NotebookPlaces:
    """Where the lines of a module extracted from a notebook come from: ``module`` is the
    module's file name (``knn.py``), ``notebook`` the notebook as messages show it (its path),
    ``module_text`` the extracted module, whose ``# ---- notebook cell N ----`` lines say where
    each cell's code begins."""

    def __init__(self, module: str, notebook: str, module_text: str) -> None:
        self.module, self.notebook = module, notebook
        self.name = Path(notebook).name
        self.starts = [(number, int(match.group(1))) for number, line in enumerate(module_text.splitlines(), 1)
                       if (match := _CELL_MARKER.match(line))]

    def place(self, line: int) -> tuple[int, int] | None:
        """(cell, line in the cell) of a line of the module; None before the first cell."""
        found = None
        for marker, cell in self.starts:
            if marker < line:
                found = (cell, line - marker)
        return found

    def text(self, text: str) -> str:
        """``text`` with each place in the module named as the notebook's cell and line, and
        the module named as the notebook."""
        def cell_line(match: re.Match, before: str, after: str) -> str:
            where = self.place(int(match.group("line")))
            if where is None:
                return match.group(0)
            return f"{before}cell {where[0]}, line {where[1]}{after}"

        path, module = re.escape(self.notebook), re.escape(self.module)
        patterns = [  # a traceback's frame; a SyntaxError's message; a stub's line; a warning's place
            (rf'File "{path}", line (?P<line>\d+)', f'File "{self.notebook}", ', ""),
            (rf"\({module}, line (?P<line>\d+)\)", f"({self.name}, ", ")"),
            (rf"(?<![\w/.-]){module} line (?P<line>\d+)", f"{self.name}, ", ""),
            (rf"\({module}:(?P<line>\d+)\)", f"({self.name}, ", ")"),
        ]
        for pattern, before, after in patterns:
            text = re.sub(pattern, lambda m, b=before, a=after: cell_line(m, b, a), text)
        return re.sub(rf"(?<![\w/.-]){module}\b", self.name, text)

    def failure(self, failure: Failure) -> Failure:
        return replace(failure, message=self.text(failure.message), details=self.text(failure.details))


def _in_kernel_cells(result: CheckResult) -> CheckResult:
    """A result whose messages name the cells of this kernel as IPython's tracebacks do ("Cell
    In[5], line 24"), not by the file names IPython gives their code ("2626228522.py")."""
    if result.failure is None:
        return result
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        return result
    label = getattr(getattr(shell, "compile", None), "format_code_name", None)
    if label is None:
        return result
    message, details = result.failure.message, result.failure.details
    for filename in list(linecache.cache):
        named = label(filename) if isinstance(filename, str) else None
        if not named or (Path(filename).name not in message + details):
            continue
        cell = " ".join(named)  # "Cell In[5]"
        path, base = re.escape(filename), re.escape(Path(filename).name)
        for pattern, shown in ((rf'File "{path}", line (\d+)', rf"{cell}, line \1"),
                               (rf"(?<![\w/.-]){base} line (\d+)", rf"{cell}, line \1"),
                               (rf"\({base}:(\d+)\)", rf"({cell}, line \1)")):
            message, details = re.sub(pattern, shown, message), re.sub(pattern, shown, details)
    return replace(result, failure=replace(result.failure, message=message, details=details))
