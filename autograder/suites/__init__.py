"""The assignments and their checks. Each ``suites/<assignment>/public.py`` defines ``suite``;
``suites/<assignment>/hidden.py``, when it is installed (the instructor's copy, never a
student's), adds the hidden checks to it."""

from __future__ import annotations

import importlib
import importlib.util

from ..core.checks import Suite

# In the order a course teaches them. Later assignments are added here as they land.
ASSIGNMENTS: tuple[str, ...] = ("knn", "svm", "softmax", "nn", "conv", "lstm", "word2vec", "gan")


def load_suite(assignment: str) -> Suite:
    """The suite of ``assignment`` with its hidden checks when they are installed."""
    if assignment not in ASSIGNMENTS:
        raise KeyError(f"unknown assignment {assignment!r}; known: {', '.join(ASSIGNMENTS)}")
    suite = importlib.import_module(f"{__name__}.{assignment}.public").suite
    hidden = f"{__name__}.{assignment}.hidden"
    if importlib.util.find_spec(hidden) is not None:
        importlib.import_module(hidden)  # registers its checks on `suite`
    return suite
