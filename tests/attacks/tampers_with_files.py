"""Appends to the grader's source files, rewrites the reference, and overwrites a sibling
assignment of the same submission (the real paths are known to it)."""
EXPECTED_SCORE = "equal"  # to the same wrong code without the attack: it ran and gained nothing
import os as _os

_targets = {
    "{ROOT}/autograder/core/verdicts.py": "\ndef expect_close(*a, **k):\n    return None\n",
    "{ROOT}/autograder/suites/knn/public.py": "\nsuite._checks.clear()\n",
    "{ROOT}/solutions/knn/knn.py": "\nraise SystemExit\n",
    "{SUBMISSION}/svm/svm.py": "def svm_loss(W, X, y, reg):\n    return 0.0, W  # {MARKER}\n",
    "../svm/svm.py": "def svm_loss(W, X, y, reg):\n    return 0.0, W  # {MARKER}\n",
    "{SUBMISSION}/softmax/softmax.py": "# {MARKER}\n",
}
for _path, _text in _targets.items():
    for _mode in ("a", "w"):
        try:
            with open(_path, _mode) as _f:
                _f.write(_text)
        except OSError:
            pass
for _path in ("{SUBMISSION}/svm", "{ROOT}/solutions"):
    try:
        _os.rename(_path, _path + "-gone")
    except OSError:
        pass
