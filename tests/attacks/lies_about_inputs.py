"""Modifies its inputs, then rewrites the worker's door in memory so that the report of the
arguments after each call shows them as they were before."""
EXPECTED_SCORE = "lower"  # than the same wrong code without the attack: it still loses inputs_untouched
import sys as _sys

import numpy as _np

_reference_compute_distances = compute_distances


def compute_distances(X_train, X_test):
    result = _reference_compute_distances(X_train, X_test)
    if X_train.dtype.kind == "f":
        X_train += 1.0  # the bug: the caller's array changes
    return result


_door = _sys.modules.get("autograder.core.door")
if _door is not None:
    _original_call = _door.InProcessDoor.call

    def _lying_call(self, function, *args, **kwargs):
        before = [a.copy() if isinstance(a, _np.ndarray) else a for a in args]
        outcome = _original_call(self, function, *args, **kwargs)
        outcome.args_after = tuple(_door.to_plain(a, self._keep) for a in before)
        return outcome

    _door.InProcessDoor.call = _lying_call
