"""Checks and suites: points, visibility and the function a check is about are metadata on the
check, not code inside it (as in gradescope-utils and otter).

A suite is one assignment's table of checks. A check is a function of a :class:`Context`; it
reaches student code only through ``ctx.student`` (a door) and, if it is hidden and says it
needs one, the reference solution through ``ctx.reference``. Public checks never see the
reference: they run on a student's machine, where it does not exist.

Whether a check is hidden is said once, by the file that defines it: checks defined in a module
whose name ends in ``hidden`` (``suites/<assignment>/hidden.py``, ``suites/linear_hidden.py``)
are hidden, every other check is public. Those modules are exactly the ones a student bundle
leaves out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .door import Door
from .results import CheckInfo

__all__ = ["Check", "Context", "Suite", "is_hidden_module", "module_file"]


def module_file(assignment: str) -> str:
    """Where a submission keeps an assignment's module, relative to the submission."""
    return f"{assignment}/{assignment}.py"


def is_hidden_module(name: str) -> bool:
    """Checks defined in the module called ``name`` are hidden (the instructor's copy only)."""
    return name.rsplit(".", 1)[-1].endswith("hidden")


@dataclass(frozen=True)
class Check:
    assignment: str
    name: str  # "<function>/<aspect>", unique within the assignment
    function: str  # the student function the check is about
    points: float
    hidden: bool
    needs_reference: bool
    run: Callable[["Context"], None] = field(repr=False, compare=False)
    description: str = ""
    order: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.assignment}/{self.name}"

    @property
    def info(self) -> CheckInfo:
        """What a result keeps of this check (plain data, without the code)."""
        return CheckInfo(self.assignment, self.name, self.function, self.points, self.hidden, self.description)


@dataclass
class Context:
    """What a running check may use."""

    check: Check
    student: Door  # the door to the student's module
    reference: Door | None = None  # the door to the reference module (hidden checks that asked for it)


class Suite:
    """The checks of one assignment, in the order a student should meet them."""

    def __init__(self, assignment: str, functions: Sequence[str], title: str, preload: Sequence[str] = (),
                 worker_preload: Sequence[str] = ()) -> None:
        self.assignment = assignment
        self.functions = tuple(functions)
        self.title = title
        self.preload = tuple(preload)  # heavy modules the checks import (loaded early when that helps)
        # Modules the student's side imports anyway (PyTorch's optimisers import torch._dynamo,
        # about a second): imported once by the fork server instead of once per check.
        self.worker_preload = tuple(worker_preload)
        self._checks: list[Check] = []

    @property
    def module_file(self) -> str:
        """Where a submission keeps this assignment's module, relative to the submission."""
        return module_file(self.assignment)

    def check(self, name: str, *, points: float, reference: bool = False):
        """Register the decorated function as a check. ``name`` starts with the function name.
        The check is hidden when the decorated function is defined in a hidden module (see the
        module's docstring); only hidden checks may use the reference (``reference=True``)."""
        function = name.split("/", 1)[0]
        if function not in self.functions:
            raise ValueError(f"check {name!r}: {function!r} is not a function of {self.assignment}")
        if any(c.name == name for c in self._checks):
            raise ValueError(f"check {name!r} is registered twice")
        if points <= 0:
            raise ValueError(f"check {name!r}: points must be positive")

        def register(run: Callable[[Context], None]) -> Callable[[Context], None]:
            hidden = is_hidden_module(run.__module__)
            if reference and not hidden:
                raise ValueError(f"check {name!r}: only hidden checks may use the reference solution")
            doc = (run.__doc__ or "").strip().splitlines()
            self._checks.append(
                Check(self.assignment, name, function, float(points), hidden, reference, run,
                      doc[0] if doc else "", len(self._checks))
            )
            return run

        return register

    def checks(self, include_hidden: bool = True) -> list[Check]:
        """Checks grouped by function (in the module's order), public before hidden."""
        chosen = [c for c in self._checks if include_hidden or not c.hidden]
        return sorted(chosen, key=lambda c: (self.functions.index(c.function), c.hidden, c.order))

    @property
    def has_hidden(self) -> bool:
        return any(c.hidden for c in self._checks)
