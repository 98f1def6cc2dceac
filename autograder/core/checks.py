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

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .door import Door
from .results import CheckInfo

__all__ = ["Check", "Context", "Contract", "Suite", "is_hidden_module", "module_file"]


def module_file(assignment: str) -> str:
    """Where a submission keeps an assignment's module, relative to the submission."""
    return f"{assignment}/{assignment}.py"


def first_paragraph(doc: str | None) -> str:
    """A check's description: its docstring's first paragraph on one line (what "passed: ..."
    shows); later paragraphs (tables, measurements) are for readers of the code."""
    paragraph = (doc or "").strip().split("\n\n")[0]
    return " ".join(paragraph.split())


def is_hidden_module(name: str) -> bool:
    """Checks defined in the module called ``name`` are hidden (the instructor's copy only)."""
    return name.rsplit(".", 1)[-1].endswith("hidden")


@dataclass(frozen=True)
class Contract:
    """What the contract says of an assignment's functions that every call must respect: each
    function's argument names, and those it may change (the functions that work "in place";
    every other argument must be left as it was)."""

    arguments: Mapping[str, tuple[str, ...]]
    in_place: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    relies_on: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # the functions with a check of their own for it ("<function>/inputs_untouched")
    input_checks: set[str] = field(default_factory=set)

    def inputs_count_in(self, check: Check) -> set[str]:
        """The functions whose changed inputs fail ``check``: its own function, in its
        inputs_untouched check or, for a function without one, in every check of it. (A
        changed input costs the function's points once; the grader's own copies are never
        changed, so the other checks' verdicts stand.)"""
        if check.function not in self.input_checks or check.name == f"{check.function}/inputs_untouched":
            return {check.function}
        return set()

    def prerequisites(self, function: str) -> tuple[str, ...]:
        """The functions whose mistakes show in ``function``'s checks: those the contract
        builds it on (a backward pass on its forward pass's cache; cross-validation on the
        student's own predictions)."""
        return self.relies_on.get(function, ())


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
    contract: Contract | None = field(default=None, repr=False, compare=False)

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


def _signature(text: str) -> tuple[str, tuple[str, ...]]:
    """``"name(a, b)"`` -> ``("name", ("a", "b"))``; a bare ``"name"`` has no argument names."""
    match = re.fullmatch(r"\s*(\w+)\s*(?:\(([\w\s,]*)\))?\s*", text)
    if not match:
        raise ValueError(f"not a signature: {text!r} (write 'name(arg, ...)')")
    return match[1], tuple(a.strip() for a in (match[2] or "").split(",") if a.strip())


class Suite:
    """The checks of one assignment, in the order a student should meet them."""

    def __init__(self, assignment: str, functions: Sequence[str], title: str, preload: Sequence[str] = (),
                 worker_preload: Sequence[str] = (), in_place: Mapping[str, Sequence[str]] | None = None,
                 relies_on: Mapping[str, Sequence[str]] | None = None, seconds: float = 1.0) -> None:
        """``functions``: the contract's signatures, ``"name(arg, ...)"``, in the order a
        student meets them; ``in_place``: the arguments a function may change (any other
        argument changed by a call fails the check that made it); ``relies_on``: the other
        functions a function's checks depend on (``f_backward`` on ``f_forward`` goes without
        saying, as does ``f_backward`` on ``f``), whose failed checks a failure then names as the
        ones to fix first; ``seconds``: about how long its checks take on the reference
        (``benchmarks/full_grade.py``), so that the longest start first when assignments are
        graded side by side."""
        self.assignment = assignment
        signatures = [_signature(f) for f in functions]
        self.functions = tuple(name for name, _ in signatures)
        in_place = {name: tuple(args) for name, args in (in_place or {}).items()}
        arguments = dict(signatures)
        for name, args in in_place.items():
            if not set(args) <= set(arguments.get(name, ())):
                raise ValueError(f"in_place names {name}({', '.join(args)}), not arguments of {self.assignment}")
        relies = {name: tuple(others) for name, others in (relies_on or {}).items()}
        for name in self.functions:
            base = name.removesuffix("_backward")
            forward = next((f for f in (base + "_forward", base) if f in arguments), None)
            if name.endswith("_backward") and forward is not None:
                relies[name] = (forward, *relies.get(name, ()))
        for name, others in relies.items():
            unknown = {name, *others} - set(arguments)
            if unknown:
                raise ValueError(f"relies_on names {sorted(unknown)}, not functions of {self.assignment}")
        self.contract = Contract(arguments, in_place, relies)
        self.title = title
        self.preload = tuple(preload)  # heavy modules the checks import (loaded early when that helps)
        # Modules the student's side imports anyway (PyTorch's optimisers import torch._dynamo,
        # about a second): imported once by the fork server instead of once per check.
        self.worker_preload = tuple(worker_preload)
        self.seconds = float(seconds)
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
            if name == f"{function}/inputs_untouched":
                self.contract.input_checks.add(function)
            self._checks.append(
                Check(self.assignment, name, function, float(points), hidden, reference, run,
                      first_paragraph(run.__doc__), len(self._checks), self.contract)
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
