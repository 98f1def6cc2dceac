"""Student code that misbehaves costs the affected checks and nothing else; grading goes on.

Each file of tests/submissions/ is laid over the reference kNN module (so everything it does
not touch is correct) and graded in full: the checks it breaks score 0 with a message naming
what happened, every other check keeps its points, and the grader's own output stays clean.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings

import pytest
from conftest import SUBMISSIONS, overlay_submission, run_cli

from autograder.core.report import result_text
from autograder.core.runner import Limits
from autograder.grading import GradingOptions, grade_submission
from autograder.suites import ASSIGNMENTS, load_suite

ALL = {c.name for c in load_suite("knn").checks()}
CV = {n for n in ALL if n.startswith("cross_validate_k/")}
PREDICT = {n for n in ALL if n.startswith("knn_predict/")}


@pytest.fixture(params=["isolated", "in-process"])
def isolated(request):
    """Both doors: the instructor's sandboxed workers and the students' in-process runs."""
    return request.param == "isolated"


def graded(tmp_path, name, isolated=True, seconds=30.0):
    submission = overlay_submission(tmp_path, "knn", SUBMISSIONS / f"{name}.py")
    results = grade_submission(submission, GradingOptions(("knn",), limits=Limits(check_seconds=seconds),
                                                          isolated=isolated)).results
    assert {r.check.name for r in results} == ALL, "every check must have a result"
    assert not any(r.internal_error for r in results)
    return {r.check.name: r for r in results}


def failed(results):
    return {name for name, r in results.items() if not r.passed}


@pytest.mark.parametrize(
    "name, expected_failures, message",
    [
        ("exit_in_call", ALL - {"knn_predict/k_out_of_range"}, "raised SystemExit"),
        ("keyboard_interrupt", CV, "cross_validate_k raised KeyboardInterrupt"),
        ("base_exception", CV, "cross_validate_k raised Escape: out of here"),
        ("missing_function", CV, "has no function named cross_validate_k"),
        ("import_error", ALL, "could not be imported: ModuleNotFoundError"),
        ("import_exit", ALL, "could not be imported: SystemExit: bye"),
    ],
)
def test_exceptions_cost_only_their_checks(tmp_path, name, expected_failures, message, isolated):
    results = graded(tmp_path, name, isolated)
    assert failed(results) == expected_failures
    for check in expected_failures:
        assert message in result_text(results[check]), result_text(results[check])


def test_import_traceback_is_shown(tmp_path, isolated):
    results = graded(tmp_path, "import_error", isolated)
    output = result_text(results["compute_distances/shape"])
    assert "Traceback" in output and "numpy_but_faster" in output


def test_garbage_return_values(tmp_path, isolated):
    results = graded(tmp_path, "returns_garbage", isolated)
    assert failed(results) == ((PREDICT - {"knn_predict/inputs_untouched"})
                               | (CV - {"cross_validate_k/inputs_untouched"}))
    assert "did you forget the return statement?" in result_text(results["knn_predict/shape_dtype"])
    # An object whose __eq__ says True to everything never reaches a comparison: it stays opaque.
    assert "should return a dict" in result_text(results["cross_validate_k/structure"])
    assert "Accuracies" in result_text(results["cross_validate_k/structure"])


def test_printed_output_is_captured(tmp_path, capfd, isolated):
    results = graded(tmp_path, "print_flood", isolated)
    assert failed(results) == set()
    out, err = capfd.readouterr()
    assert "x" * 1000 not in out and "x" * 1000 not in err


def test_warnings_are_captured(tmp_path, capfd, isolated):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = graded(tmp_path, "warns", isolated)
    assert failed(results) == set()
    assert not [w for w in caught if "student code" in str(w.message)]
    assert "I am a warning" not in capfd.readouterr().err


@pytest.mark.parametrize("mode", [[], ["--in-process"]], ids=["isolated", "in-process"])
@pytest.mark.parametrize("name", ["infinite_loop", "swallows_alarm_once"])
def test_hang_costs_only_its_checks(tmp_path, name, mode):
    submission = overlay_submission(tmp_path / "sub", "knn", SUBMISSIONS / f"{name}.py")
    proc = run_cli("grade", str(submission), "--assignment", "knn", "--timeout", "1", "--json",
                   str(tmp_path / "out.json"), *mode, timeout=300)
    assert proc.returncode == 0, proc.stderr
    tests = {t["name"]: t for t in json.loads((tmp_path / "out.json").read_text())["tests"]}
    assert {n for n, t in tests.items() if t["score"] < t["max_score"]} == {f"knn/{n}" for n in CV}
    limit = "1 s of CPU time per check"  # in a worker and in the grader's process alike
    output = tests["knn/cross_validate_k/structure"]["output"]  # the first check of cross_validate_k
    assert f"did not finish within the time limit ({limit})" in output
    assert "Your code spent its time in cross_validate_k " in output and " per call (1 call, " in output
    # it would time out again: its later checks are not run (fail fast), and say why
    for name in CV - {"cross_validate_k/structure"}:
        assert tests[f"knn/{name}"]["output"].startswith(
            "Not run: cross_validate_k ran out of time in cross_validate_k/structure"), tests[f"knn/{name}"]["output"]
        assert tests[f"knn/{name}"]["extra_data"]["student_seconds"] == 0


def test_a_function_that_never_returns_and_ignores_signals_costs_two_time_limits(tmp_path):
    """knn_predict never returns and ignores every signal: a whole submission (all eight
    assignments) is graded, knn_predict's first check and cross_validate_k's first (whose
    student code calls knn_predict) are stopped from outside after the limit and its grace, and
    every later check of those two functions is reported as not run instead of waiting again."""
    from conftest import ROOT

    submission = tmp_path / "sub"
    shutil.copytree(ROOT / "solutions", submission, ignore=shutil.ignore_patterns("__pycache__"))
    with open(submission / "knn" / "knn.py", "a") as module:
        module.write("\n\n" + (SUBMISSIONS / "ignores_signals.py").read_text())
    proc = run_cli("grade", str(submission), "--timeout", "2", "--json", str(tmp_path / "out.json"), timeout=600)
    assert proc.returncode == 0, proc.stderr
    tests = {t["name"]: t for t in json.loads((tmp_path / "out.json").read_text())["tests"]}
    assert {n.split("/")[0] for n in tests} == set(ASSIGNMENTS)
    lost = {n for n, t in tests.items() if t["score"] < t["max_score"]}
    assert lost == {f"knn/{n}" for n in PREDICT | CV}, sorted(lost)  # the other assignments keep every point
    timed_out = {n for n in lost if tests[n]["extra_data"]["kind"] == "timed_out"}
    assert timed_out == {"knn/knn_predict/shape_dtype", "knn/cross_validate_k/structure"}
    for name in lost - timed_out:
        stalled = "knn_predict" if "/knn_predict/" in name else "cross_validate_k"
        assert tests[name]["extra_data"]["kind"] == "not_run"
        assert tests[name]["output"].startswith(f"Not run: {stalled} ran out of time in "), tests[name]["output"]
    # the student's code ran for two time limits and their grace (GRACE_SECONDS) at most, in all knn checks
    from autograder.isolation.client import GRACE_SECONDS

    spent = sum(t["extra_data"]["student_seconds"] for n, t in tests.items() if n.startswith("knn/"))
    assert spent < 2 * (2 + GRACE_SECONDS) + 1, spent


def test_import_hang_is_paid_once(tmp_path):
    submission = overlay_submission(tmp_path / "sub", "knn", SUBMISSIONS / "import_hang.py")
    proc = run_cli("grade", str(submission), "--assignment", "knn", "--timeout", "1", "--json",
                   str(tmp_path / "out.json"), timeout=120)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads((tmp_path / "out.json").read_text())
    assert payload["score"] == 0 and len(payload["tests"]) == len(ALL)
    assert all("importing knn.py did not finish in time" in t["output"] for t in payload["tests"])


def test_a_real_ctrl_c_stops_grading_but_a_raised_one_does_not(tmp_path):
    """KeyboardInterrupt raised by student code costs its checks (above); a real SIGINT sent to
    the grader while student code runs stops grading cleanly, with no results file."""
    import signal
    import subprocess
    import sys
    import time

    from conftest import ROOT

    def descendants(root: int) -> set[int]:  # the grader's fork server and its workers, running now
        parents = {}
        for entry in filter(str.isdigit, os.listdir("/proc")):
            try:
                status = open(f"/proc/{entry}/status").read()
            except OSError:
                continue
            parents[int(entry)] = int(status.split("PPid:")[1].split()[0])
        found, grown = {root}, True
        while grown:
            more = {pid for pid, parent in parents.items() if parent in found} - found
            found |= more
            grown = bool(more)
        return found - {root}

    submission = overlay_submission(tmp_path / "sub", "knn", SUBMISSIONS / "infinite_loop.py")
    (submission / "svm").mkdir(exist_ok=True)
    (submission / "svm" / "svm.py").write_text("def svm_loss(W, X, y, reg):\n    while True:\n        pass\n")
    out = tmp_path / "out.json"
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(submission), "--timeout", "60",
                             "--assignment", "knn", "--assignment", "svm", "--jobs", "2", "--json", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while len(descendants(proc.pid)) < 3 and time.monotonic() < deadline:  # the fork server, a worker per lane
        time.sleep(0.2)
    time.sleep(2)  # svm_loss's endless loop runs, and knn's checks in the other lane
    running = descendants(proc.pid)
    assert len(running) >= 3
    proc.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    _, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - interrupted < 10  # every lane stops at once, however long its check
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and not out.exists()
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{pid}") for pid in running) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in running if os.path.exists(f"/proc/{pid}")]  # none left running its loop


def test_a_failure_shows_what_the_code_printed_and_how_much(tmp_path, isolated):
    """A flood of output is cut, measured and shown with the failure, whichever the door."""
    results = graded(tmp_path, "prints_and_fails", isolated)
    output = result_text(results["compute_distances/values"])
    assert "Your code printed " in output and " in this check (and " in output, output
    assert "print calls after the output was full, not even formatted" in output
    first = output.split("The first lines were:\n", 1)[1]
    assert first.startswith("row 0 column 0 distance "), first[:200]
    assert len(first) < 5000  # the first lines only


def test_prints_past_the_limit_are_not_even_formatted(tmp_path):
    """A print whose output is cut costs no formatting: the objects printed once the output is
    full are never turned into text (that, for floats and arrays, is what takes the time)."""
    from autograder.core.door import InProcessDoor

    module = tmp_path / "printer.py"
    module.write_text("class Loud:\n    made = 0\n\n    def __str__(self):\n        Loud.made += 1\n"
                      "        return 'loud ' * 20\n\n\n"
                      "def shout(n):\n    thing = Loud()\n    for _ in range(n):\n        print(thing, thing)\n"
                      "    return Loud.made\n")
    door = InProcessDoor(module)
    made = door.call("shout", 100_000).value
    assert made < 200, made  # 4000 characters are about 40 lines of 100: the rest were counted only
    assert door.printed_cut[1] > 99_000 and len(door.printed) == 4000
    assert "100 more" not in door.printed_note() and "print calls after the output was full" in door.printed_note()
