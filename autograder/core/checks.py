"""Checks and suites: points, visibility and the function a check is about are metadata on the
check, not code inside it (as in gradescope-utils and otter).

A suite is one assignment's table of checks. A check is a function of a :class:`Context`; it
reaches student code only through ``ctx.student`` (a door) and, if it is hidden and says it
needs one, the reference solution through ``ctx.reference``. Public checks never see the
reference: they run on a student's machine, where it does not exist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Check", "Context", "Suite", "remember_reference"]


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
    def visibility(self) -> str:
        """Gradescope visibility: public checks at once, hidden ones when grades are published."""
        return "after_published" if self.hidden else "visible"


@dataclass
class Context:
    """What a running check may use."""

    check: Check
    student: Any  # a door to the student's module
    reference: Any = None  # a door to the reference module (hidden checks that asked for it)


_REFERENCE_RESULTS: dict[tuple, Any] = {}


def remember_reference(door: Any, key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()`` (which runs the reference solution behind ``door``) once per grading
    process, reference file and ``key``: a deterministic result of the reference, such as the
    accuracy after a training run, is the same for every submission of a class."""
    path = Path(door.path)
    memo_key = (str(path), hashlib.sha256(path.read_bytes()).hexdigest(), key)
    if memo_key not in _REFERENCE_RESULTS:
        _REFERENCE_RESULTS[memo_key] = compute()
    return _REFERENCE_RESULTS[memo_key]


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
        return f"{self.assignment}/{self.assignment}.py"

    def check(self, name: str, *, points: float, hidden: bool = False, reference: bool = False):
        """Register the decorated function as a check. ``name`` starts with the function name."""
        function = name.split("/", 1)[0]
        if function not in self.functions:
            raise ValueError(f"check {name!r}: {function!r} is not a function of {self.assignment}")
        if reference and not hidden:
            raise ValueError(f"check {name!r}: only hidden checks may use the reference solution")
        if any(c.name == name for c in self._checks):
            raise ValueError(f"check {name!r} is registered twice")
        if points <= 0:
            raise ValueError(f"check {name!r}: points must be positive")

        def register(run: Callable[[Context], None]) -> Callable[[Context], None]:
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
