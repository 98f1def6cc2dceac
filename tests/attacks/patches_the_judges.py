"""Replaces np.allclose, np.testing, torch.allclose and every grader function it can reach with
ones that always agree, then returns wrong answers."""
EXPECTED_SCORE = "lower"  # than the same wrong code without the attack
import sys as _sys

import numpy as _np

_np.allclose = lambda *a, **k: True
_np.array_equal = lambda *a, **k: True
_np.isclose = lambda a, b, *args, **k: _np.ones(_np.broadcast(a, b).shape, dtype=bool)
_np.testing.assert_allclose = lambda *a, **k: None
_np.testing.assert_array_equal = lambda *a, **k: None
try:
    import torch as _torch

    _torch.allclose = lambda *a, **k: True
    _torch.testing.assert_close = lambda *a, **k: None
except ImportError:
    pass
for _name in ("autograder.core.verdicts", "autograder.core.gradcheck", "autograder.core.runner",
              "autograder.suites.knn.public", "autograder.suites.knn.hidden"):
    try:
        __import__(_name)
    except BaseException:
        pass
for _name, _module in list(_sys.modules.items()):
    if _name.startswith("autograder"):
        for _attr in list(vars(_module)):
            if _attr.startswith(("expect", "run_check", "grade", "to_plain", "_first_hint")):
                setattr(_module, _attr, lambda *a, **k: None)


def knn_predict(X_train, y_train, X_test, k=1):
    return _np.zeros(len(X_test), dtype=int)
