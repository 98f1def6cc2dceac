"""The instructor's command line, end to end in a subprocess, and Gradescope's results.json."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import ROOT, run_cli

from autograder.core.results import KINDS
from autograder.suites import ASSIGNMENTS, load_suite

KNN_POINTS = sum(c.points for c in load_suite("knn").checks())
KNN_CHECKS = len(load_suite("knn").checks())
ALL_POINTS = sum(c.points for a in ASSIGNMENTS for c in load_suite(a).checks())
ALL_CHECKS = sum(len(load_suite(a).checks()) for a in ASSIGNMENTS)

# Gradescope's results.json, as far as we write it (https://gradescope-autograders.readthedocs.io).
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "stdout_visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "score", "max_score", "status", "output", "visibility"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "pattern": "^[a-z0-9_]+/[a-z_]+/[a-z0-9_]+$"},
                    "score": {"type": "number", "minimum": 0},
                    "max_score": {"type": "number", "exclusiveMinimum": 0},
                    "status": {"enum": ["passed", "failed"]},
                    "output": {"type": "string"},
                    "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
                    "extra_data": {  # its time, and a failed test's failure as data (core.results.Failure)
                        "type": "object",
                        "required": ["seconds", "student_seconds"],
                        "additionalProperties": False,
                        "properties": {
                            "seconds": {"type": "number", "minimum": 0},
                            "student_seconds": {"type": "number", "minimum": 0},
                            "kind": {"enum": sorted(KINDS)},
                            "function": {"type": ["string", "null"]},
                            "hint_id": {"type": ["string", "null"], "pattern": "^[a-z0-9_]+/[a-z0-9_]+$"},
                            "case": {"type": "string"},
                            "numbers": {"type": "object"},
                            "fix_first": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                        },
                    },
                },
            },
        },
    },
}


def grade_json(tmp_path, *args):
    out = tmp_path / "out.json"
    proc = run_cli("grade", *args, "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(out.read_text())
    jsonschema.validate(payload, RESULTS_SCHEMA)
    assert payload["score"] == pytest.approx(sum(t["score"] for t in payload["tests"]))
    for test in payload["tests"]:  # a failed test says why as data, a passed one has nothing to say
        assert ({"kind", "function", "hint_id"} <= set(test["extra_data"])) == (test["status"] == "failed"), test
        # CPU seconds of the worker, read in clock ticks (10 ms), against the check's time on the clock
        assert test["extra_data"]["student_seconds"] <= test["extra_data"]["seconds"] + 0.05
    return proc, payload


def test_reference_gets_full_marks(tmp_path):
    proc, payload = grade_json(tmp_path, "solutions")
    assert payload["score"] == ALL_POINTS and KNN_POINTS == 31
    assert len(payload["tests"]) == ALL_CHECKS
    assert all(t["status"] == "passed" for t in payload["tests"])
    assert {t["visibility"] for t in payload["tests"]} == {"visible", "after_published"}
    assert ["Total", f"{ALL_POINTS:g}/{ALL_POINTS:g}"] in [line.split() for line in proc.stdout.splitlines()]
    for assignment in ASSIGNMENTS:
        total = sum(c.points for c in load_suite(assignment).checks())
        assert [f"{assignment}", "total", f"{total:g}/{total:g}"] in [line.split() for line in proc.stdout.splitlines()]


def test_stubs_get_zero_with_a_clear_message(tmp_path):
    proc, payload = grade_json(tmp_path, "assignments")
    assert payload["score"] == 0
    assert len(payload["tests"]) == ALL_CHECKS
    for test in payload["tests"]:
        assert test["status"] == "failed"
        assert "is not implemented yet" in test["output"], test
        assert "Traceback" not in test["output"]
    assert f"0/{ALL_POINTS:g}" in proc.stdout


def test_missing_assignment_is_zero_not_dropped(tmp_path):
    (tmp_path / "sub" / "svm").mkdir(parents=True)
    proc, payload = grade_json(tmp_path, str(tmp_path / "sub"), "--assignment", "knn")
    assert payload["score"] == 0 and len(payload["tests"]) == KNN_CHECKS
    assert all("has no file knn/knn.py" in t["output"] for t in payload["tests"])
    assert "warning: knn: missing: expected knn/knn.py, knn.py, knn/knn.ipynb or knn.ipynb" in proc.stderr
    assert payload["extra_data"]["status"] == "missing"


def test_public_only_skips_hidden_checks(tmp_path):
    _, payload = grade_json(tmp_path, "solutions", "--public-only")
    assert payload["score"] == sum(c.points for a in ASSIGNMENTS for c in load_suite(a).checks(include_hidden=False))
    assert {t["visibility"] for t in payload["tests"]} == {"visible"}


def test_partly_wrong_example_is_partly_right(tmp_path):
    proc, payload = grade_json(tmp_path, "examples/partly_wrong", "--assignment", "knn")
    assert 0 < payload["score"] < KNN_POINTS
    assert "Hint:" in proc.stdout and "What went wrong" in proc.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["grade", "no/such/folder"], "does not exist"),
        (["grade", "solutions", "--assignment", "nope"], "unknown assignment(s) nope"),
        (["grade", "solutions", "--timeout", "0"], "check_seconds must be positive"),
        (["grade", "solutions", "--solutions", "no/such/solutions"], "reference solution"),
    ],
)
def test_grader_errors_exit_nonzero_with_a_reason(args, message):
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_demo_prints_both_tables():
    proc = run_cli("demo")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("knn total") == 2
    assert f"Total {ALL_POINTS:g}/{ALL_POINTS:g}".split() in [line.split() for line in proc.stdout.splitlines()]
    assert (ROOT / "examples" / "partly_wrong" / "knn" / "knn.py").is_file()
