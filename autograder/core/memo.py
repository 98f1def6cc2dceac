"""Results the grader computes once per process: an oracle's accuracy after a training run, a
data set, the reference's result on a fixed case. They are deterministic, so every submission
of a class shares them. One mechanism for all: :func:`computed_once` (and the decorator
:func:`once` for a function of hashable arguments).

Those that take a while and are plain numbers (an oracle's or the reference's result after a
training) are also kept on disk (``persist``), in ``$AUTOGRADER_CACHE_DIR`` (default
``~/.cache/dl-autograder``; ``none`` turns it off), under a name made of their key and of the
grader's fingerprint: every source file of the grader's package, the versions of Python, NumPy
and PyTorch (and, for the reference's results, the reference file itself). Any change to any of
them computes them again; a file that cannot be read or written is ignored."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Hashable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["cache_dir", "computed_once", "once", "remember_reference", "shipped_numbers"]

T = TypeVar("T")
_COMPUTED: dict[Hashable, Any] = {}
_COMPUTING: dict[Hashable, threading.Lock] = {}
_LOCK = threading.Lock()
_PACKAGE = Path(__file__).resolve().parent.parent


def computed_once(key: Hashable, compute: Callable[[], T], *, persist: bool = False) -> T:
    """``compute()`` the first time ``key`` is asked for in this process; the same value after.
    Thread-safe (assignments graded side by side): a second thread asking for a key being
    computed waits for that result instead of computing it again. With ``persist``, a value
    made of numbers is also kept on disk for the next processes (see the module's docstring)."""
    if key in _COMPUTED:
        return _COMPUTED[key]
    with _LOCK:
        lock = _COMPUTING.setdefault(key, threading.Lock())
    with lock:
        if key not in _COMPUTED:
            stored = _read(key) if persist else None
            if stored is not None:
                _COMPUTED[key] = stored[0]
            else:
                _COMPUTED[key] = compute()
                if persist:
                    _write(key, _COMPUTED[key])
    return _COMPUTED[key]


def once(function: Callable[..., T] | None = None, *, persist: bool = False):
    """``function`` computed once per process and argument tuple (arguments must be hashable);
    ``@once(persist=True)`` keeps its numbers on disk as well."""

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def wrapper(*args: Hashable) -> T:
            return computed_once((function.__module__, function.__qualname__, args), lambda: function(*args),
                                 persist=persist)

        return wrapper

    return decorate(function) if function is not None else decorate


def remember_reference(door: Any, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` (which runs the reference solution behind ``door``) once per grading
    process, reference file and ``key`` (and on disk: see the module's docstring): a
    deterministic result of the reference, such as the accuracy after a training run, is the
    same for every submission of a class."""
    path = Path(door.path)
    return computed_once(("reference", hashlib.sha256(path.read_bytes()).hexdigest(), key), compute, persist=True)


@once
def shipped_numbers(path: Path) -> dict[str, Any]:
    """The arrays of an ``.npz`` file shipped with a suite (an instructor's oracle's results,
    ``expected.npz``), read once per process."""
    import numpy as np

    with np.load(path) as data:
        return {key: data[key] for key in data.files}


# --- on disk ----------------------------------------------------------------------------------


def cache_dir() -> Path | None:
    """Where persisted results go (None: not kept on disk)."""
    chosen = os.environ.get("AUTOGRADER_CACHE_DIR")
    if chosen:
        return None if chosen.lower() == "none" else Path(chosen)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dl-autograder"


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """The grader's sources and the versions its numbers depend on."""
    digest = hashlib.sha256(sys.version.encode())
    for package in ("numpy", "torch", "scipy", "scikit-learn"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            pass
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _file(key: Hashable) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / (hashlib.sha256(f"{fingerprint()}\0{key!r}".encode()).hexdigest()[:40] + ".json")


def _plain(value: Any) -> Any:
    """The value as JSON (numbers, and tuples and lists of them), or raise TypeError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, tuple, list)):
        raise TypeError(f"only numbers are kept on disk, not {type(value).__name__}")
    if isinstance(value, (tuple, list)):
        return {"tuple" if isinstance(value, tuple) else "list": [_plain(v) for v in value]}
    return float(value) if isinstance(value, float) else int(value)


def _unplain(data: Any) -> Any:
    if isinstance(data, dict):
        kind, items = next(iter(data.items()))
        return (tuple if kind == "tuple" else list)(_unplain(v) for v in items)
    return data


def _read(key: Hashable) -> tuple[Any] | None:
    path = _file(key)
    try:
        data = json.loads(path.read_text()) if path is not None else None
        if data is None or data.get("key") != repr(key):
            return None
        return (_unplain(data["value"]),)
    except (OSError, ValueError, KeyError, TypeError, StopIteration, AttributeError):
        return None


def _write(key: Hashable, value: Any) -> None:
    path = _file(key)
    if path is None:
        return
    try:
        text = json.dumps({"key": repr(key), "value": _plain(value)})
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".partial", delete=False) as partial:
            partial.write(text)
        os.replace(partial.name, path)  # never a half-written file, whoever writes at the same time
    except (OSError, TypeError, ValueError):
        pass
