"""Writes a perfect results.json everywhere a grader might read one, and prints a perfect score."""
EXPECTED_SCORE = "equal"  # to the same wrong code without the attack: it ran and gained nothing
import json as _json
import os as _os

_perfect = {"score": 1000, "tests": [{"name": "knn/everything", "score": 1000, "max_score": 1, "status": "passed",
                                      "output": "", "visibility": "visible"}]}
_targets = ["results.json", "../results.json", "../../results.json", "/tmp/results.json", "{ROOT}/results.json",
            "{ROOT}/out.json", "{OUTPUT}", "{SUBMISSION}/results.json", _os.path.expanduser("~/results.json"),
            "/autograder/results/results.json"]
for _target in _targets:
    try:
        _os.makedirs(_os.path.dirname(_os.path.abspath(_target)), exist_ok=True)
        with open(_target, "w") as _f:
            _json.dump(_perfect, _f)
    except OSError:
        pass
print("knn total 30/30\nTotal 30/30")
print(_json.dumps(_perfect))
