"""Results the grader computes once per process: an oracle's accuracy after a training run, a
data set, the reference's result on a fixed case. They are deterministic, so every submission
of a class shares them. One mechanism for all: :func:`computed_once` (and the decorator
:func:`once` for a function of hashable arguments)."""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["computed_once", "once", "remember_reference"]

T = TypeVar("T")
_COMPUTED: dict[Hashable, Any] = {}
_COMPUTING: dict[Hashable, threading.Lock] = {}
_LOCK = threading.Lock()


def computed_once(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` the first time ``key`` is asked for in this process; the same value after.
    Thread-safe (assignments graded side by side): a second thread asking for a key being
    computed waits for that result instead of computing it again."""
    if key in _COMPUTED:
        return _COMPUTED[key]
    with _LOCK:
        lock = _COMPUTING.setdefault(key, threading.Lock())
    with lock:
        if key not in _COMPUTED:
            _COMPUTED[key] = compute()
    return _COMPUTED[key]


def once(function: Callable[..., T]) -> Callable[..., T]:
    """``function`` computed once per process and argument tuple (arguments must be hashable)."""

    @functools.wraps(function)
    def wrapper(*args: Hashable) -> T:
        return computed_once((function.__module__, function.__qualname__, args), lambda: function(*args))

    return wrapper


def remember_reference(door: Any, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` (which runs the reference solution behind ``door``) once per grading
    process, reference file and ``key``: a deterministic result of the reference, such as the
    accuracy after a training run, is the same for every submission of a class."""
    path = Path(door.path)
    return computed_once(("reference", str(path), hashlib.sha256(path.read_bytes()).hexdigest(), key), compute)
