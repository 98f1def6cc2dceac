"""Plain data: what may cross the door between the grader and student code, defined once.

Plain data is ``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``, NumPy arrays and
scalars of a plain dtype (:data:`PLAIN_KINDS`, no fields), and tuples, lists and dicts of those,
nested at most :data:`MAX_DEPTH` containers deep. :func:`to_plain` turns a student's value into
plain data (anything else stays behind as an opaque handle); the wire (``isolation.protocol``)
accepts exactly this, plus the few levels of its own messages around a value
(:data:`WIRE_DEPTH`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["MAX_DEPTH", "PLAIN_KINDS", "WIRE_DEPTH", "is_plain_dtype", "to_plain"]

# dtype kinds that are plain: bool, ints, floats, complex, strings.
PLAIN_KINDS = frozenset("biufcUS")
# Containers nested deeper than this are not plain data (they stay behind as a handle).
MAX_DEPTH = 32
# A message on the wire wraps values in a few containers of its own (a reply's dict, the tuple
# of arguments after a call, a dict entry): the deepest frame it may carry.
WIRE_DEPTH = MAX_DEPTH + 8


def is_plain_dtype(dtype: np.dtype) -> bool:
    return dtype.kind in PLAIN_KINDS and dtype.fields is None and dtype.subdtype is None


def to_plain(obj: Any, keep: Callable[[Any], Any], depth: int = 0) -> Any:
    """Return ``obj`` as plain data; objects that are not plain go to ``keep`` (-> Handle)."""
    if depth > MAX_DEPTH:
        return keep(obj)
    kind = type(obj)
    if obj is None or kind in (bool, int, float, complex, str):
        return obj
    if isinstance(obj, np.ndarray):
        if not is_plain_dtype(obj.dtype):
            return keep(obj)
        return np.array(obj, copy=True, subok=False)
    if isinstance(obj, np.generic):
        if not is_plain_dtype(obj.dtype):
            return keep(obj)
        return np.array(obj, copy=True, subok=False)[()]
    if kind in (tuple, list):
        return kind(to_plain(item, keep, depth + 1) for item in obj)
    if kind is dict:
        return {_plain_key(key, keep): to_plain(value, keep, depth + 1) for key, value in obj.items()}
    # Subclasses of the builtin scalars are flattened to the builtin (no student methods survive).
    for base in (bool, int, float, complex, str):
        if isinstance(obj, base):
            return base(obj)
    return keep(obj)


def _plain_key(key: Any, keep: Callable[[Any], Any]) -> Any:
    if isinstance(key, np.integer):
        return int(key)
    if isinstance(key, np.floating):
        return float(key)
    return to_plain(key, keep, MAX_DEPTH)  # keys are scalars; anything deeper is opaque
