"""The assignments and their checks. Each ``suites/<assignment>/public.py`` defines ``suite``;
``suites/<assignment>/hidden.py``, when it is installed (the instructor's copy, never a
student's), adds the hidden checks to it."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable

from ..core.checks import Suite, module_file

__all__ = ["ASSIGNMENTS", "UnknownAssignment", "chosen_assignments", "load_suite", "module_file"]

# In the order a course teaches them. Later assignments are added here as they land.
ASSIGNMENTS: tuple[str, ...] = ("knn", "svm", "softmax", "nn", "conv", "lstm", "word2vec", "gan")


class UnknownAssignment(ValueError):
    """An assignment name that is not one of :data:`ASSIGNMENTS`."""


def chosen_assignments(names: Iterable[str] | None = None) -> tuple[str, ...]:
    """The assignments ``names`` asks for (all when None or empty), in its order, each once.
    Raises :class:`UnknownAssignment` naming every unknown one."""
    names = tuple(dict.fromkeys(names or ()))
    unknown = [n for n in names if n not in ASSIGNMENTS]
    if unknown:
        raise UnknownAssignment(f"unknown assignment(s) {', '.join(unknown)}; known: {', '.join(ASSIGNMENTS)}")
    return names or ASSIGNMENTS


def load_suite(assignment: str) -> Suite:
    """The suite of ``assignment`` with its hidden checks when they are installed."""
    chosen_assignments([assignment])
    suite = importlib.import_module(f"{__name__}.{assignment}.public").suite
    hidden = f"{__name__}.{assignment}.hidden"
    if importlib.util.find_spec(hidden) is not None:
        importlib.import_module(hidden)  # registers its checks on `suite`
    return suite
