"""The instructor's command line, end to end in a subprocess, and Gradescope's results.json."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import ROOT, run_cli

from autograder.core.results import IMPORT_CAUSES, KINDS
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
                            "cause": {"enum": sorted(IMPORT_CAUSES)},  # why a module did not import
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


# --- what a report leaves out (issue 17, noise) ----------------------------------------------------

def public_points(assignment: str) -> float:
    return sum(c.points for c in load_suite(assignment).checks(include_hidden=False))


def solution_cell(notebook: dict, function: str) -> tuple[int, dict]:
    """(its number among all the notebook's cells, from 1; the cell) of a function's solution cell."""
    return next((number, cell) for number, cell in enumerate(notebook["cells"], start=1)
                if cell["metadata"].get("autograder", {}).get("function") == function)


def test_a_notebook_folder_graded_without_assignment_names_each_missing_one_once(tmp_path):
    from autograder.course import build_notebook, fill_notebook

    folder = tmp_path / "handed_in"
    folder.mkdir()
    notebook = fill_notebook(build_notebook("knn"), (ROOT / "solutions" / "knn" / "knn.py").read_text())
    (folder / "knn.ipynb").write_text(json.dumps(notebook))
    proc, payload = grade_json(tmp_path, str(folder), "--public-only")
    lines = proc.stdout.splitlines()
    missing = [a for a in ASSIGNMENTS if a != "knn"]
    for assignment in missing:  # one row each, no row per check, no failure message per check
        rows = [line for line in lines if line.split()[:1] == [assignment]]
        assert len(rows) == 1, rows
        assert f"0/{public_points(assignment):g}" in rows[0] and f"no file {assignment}/{assignment}.py" in rows[0]
        assert not [c.name for c in load_suite(assignment).checks() if c.name in proc.stdout]
    assert proc.stdout.count("Not graded") == len(missing)
    everything = sum(public_points(a) for a in ASSIGNMENTS)
    knn = public_points("knn")
    assert [f"{knn:g}/{everything:g}", f"({knn:g}/{knn:g}", "of", "what", "was", "handed", "in)"] == next(
        line.split()[1:] for line in lines if line.startswith("Total"))
    assert len(lines) < 40, proc.stdout
    # results.json keeps a test per check (0 for the assignments missing) and names them in its summary
    assert len(payload["tests"]) == sum(len(load_suite(a).checks(include_hidden=False)) for a in ASSIGNMENTS)
    assert payload["score"] == knn
    for assignment in missing:
        summary = f"\n{assignment}: Not graded: the submission has no file {assignment}/{assignment}.py: expected "
        assert summary in payload["output"]


def test_a_notebook_that_does_not_import_shows_its_traceback_once_in_its_cell(tmp_path):
    from autograder.course import build_notebook, fill_notebook

    folder = tmp_path / "handed_in"
    folder.mkdir()
    knn = fill_notebook(build_notebook("knn"), (ROOT / "solutions" / "knn" / "knn.py").read_text())
    knn_cell, cell = solution_cell(knn, "knn_predict")
    cell["source"] = cell["source"].rstrip("\n") + "\n    x = = 1\n"
    knn_line = len(cell["source"].splitlines())
    (folder / "knn.ipynb").write_text(json.dumps(knn))
    svm = build_notebook("svm")
    svm_cell, cell = solution_cell(svm, "svm_loss")  # a stub, with a magic line before its raise
    cell["source"] = "def svm_loss(W, X, y, reg):\n    # YOUR CODE HERE\n    %time 1\n    raise NotImplementedError()\n"
    next(c for c in svm["cells"] if c["metadata"].get("autograder", {}).get("role") == "setup")["source"] = (
        "%matplotlib inline\nimport numpy as np\n")
    (folder / "svm.ipynb").write_text(json.dumps(svm))
    proc, payload = grade_json(tmp_path, str(folder), "--assignment", "knn", "--assignment", "svm", "--public-only")
    out = proc.stdout
    frame = f'File "{folder / "knn.ipynb"}", cell {knn_cell}, line {knn_line}'
    assert out.count(frame) == 1, out
    place = f"(knn.ipynb, cell {knn_cell}, line {knn_line})"
    assert f"knn.ipynb could not be imported: SyntaxError: invalid syntax {place}" in out
    assert out.count("SyntaxError") == 2  # the message and the traceback's last line, once
    knn_checks = [c.full_name for c in load_suite("knn").checks(include_hidden=False)]
    rest = public_points("knn") - load_suite("knn").checks(include_hidden=False)[0].points
    assert f"knn: {len(knn_checks) - 1} more checks (0/{rest:g})" in out
    for text in (out, json.dumps(payload)):  # no grader frame, no grader path, no temporary copy
        assert "loader.py" not in text and str(ROOT / "autograder") not in text and "autograder-notebooks-" not in text
        assert "knn.py" not in text and "svm.py" not in text
    knn_tests = [t for t in payload["tests"] if t["name"].startswith("knn/")]
    assert [t["name"] for t in knn_tests] == knn_checks
    assert frame in knn_tests[0]["output"]
    for test in knn_tests[1:]:
        assert test["output"] == f"knn.ipynb could not be imported (see {knn_checks[0]} above).", test
    for test in (t for t in payload["tests"] if t["name"].startswith("svm/")):
        assert f"NotImplementedError at svm.ipynb, cell {svm_cell}, line 4" in test["output"], test


def test_a_traceback_shows_the_students_frames_and_paths_only(tmp_path):
    folder = tmp_path / "handed_in"
    for assignment, extra in (
            ("knn", "\n\ndef _table():\n    return {}['missing']\n\n\nTABLE = _table()\n"),  # fails at import
            ("svm", "\n\ndef svm_loss(W, X, y, reg):\n    return np.linalg.norm(W, ord='bogus'), W\n")):  # in numpy
        (folder / assignment).mkdir(parents=True)
        (folder / assignment / f"{assignment}.py").write_text(
            (ROOT / "solutions" / assignment / f"{assignment}.py").read_text() + extra)
    proc, payload = grade_json(tmp_path, str(folder), "--assignment", "knn", "--assignment", "svm", "--public-only")
    knn = folder / "knn" / "knn.py"
    first = payload["tests"][0]["output"]
    assert first.startswith("knn.py could not be imported: KeyError: 'missing'\nTraceback (most recent call last):\n"
                            f'  File "{knn}", line ')
    assert ", in <module>\n" in first and ", in _table\n" in first and first.count('File "') == 2, first
    raised = next(t["output"] for t in payload["tests"] if t["name"].startswith("svm/"))
    frames = [line.split('"')[1] for line in raised.splitlines() if line.strip().startswith('File "')]
    assert frames[0] == str(folder / "svm" / "svm.py") and len(frames) >= 2, raised
    assert all(path.startswith("site-packages/numpy/") for path in frames[1:]), raised
    for text in (proc.stdout, json.dumps(payload)):
        assert "loader.py" not in text and str(ROOT) not in text and "/tmp/autograder-" not in text
        assert proc.stdout.count("KeyError: 'missing'") == 2  # the message and the traceback's last line, once


def run_cli_patched(patch: str, *args: str):
    """The command line, in a Python that first runs ``patch`` (to play another machine)."""
    import subprocess
    import sys

    code = f"import sys\n{patch}\nfrom autograder.cli import main\nsys.exit(main({list(args)!r}))\n"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_isolation_is_called_weak_only_without_landlock(tmp_path):
    (tmp_path / "empty").mkdir()
    args = ("grade", str(tmp_path / "empty"), "--assignment", "knn", "--public-only", "--quiet")
    proc = run_cli(*args)  # this machine: Landlock and namespaces
    assert proc.returncode == 0 and "student code ran in sandboxed worker processes: Landlock ABI" in proc.stderr
    assert "weak isolation" not in proc.stderr.lower()
    # Landlock (ABI 7) without a network namespace, as on the machine of the report: not weak
    no_namespaces = ("import autograder.isolation.client as client\n"
                     "from autograder.isolation import sandbox\n"
                     "real = sandbox.probe\n"
                     "client.sandbox.probe = lambda: sandbox.Capabilities(real().landlock_abi, (), True)\n"
                     "ready = client.Zygote._wait_ready\n"
                     "def _wait_ready(self):\n"
                     "    ready(self)\n"
                     "    self.network_isolated = False\n"
                     "client.Zygote._wait_ready = _wait_ready\n")
    proc = run_cli_patched(no_namespaces, *args)
    assert proc.returncode == 0, proc.stderr
    assert "weak isolation" not in proc.stderr.lower() and "no namespaces" in proc.stderr
    assert "no TCP (Landlock; no network namespace, so UDP is open)" in proc.stderr
    # no Landlock: weak, and said so
    proc = run_cli_patched("from autograder.isolation import sandbox\nsandbox.landlock_abi = lambda: 0\n", *args)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING: weak isolation: student code ran in sandboxed worker processes: NO Landlock" in proc.stderr
