"""grade-batch: one CSV row per student, the same grades for any --jobs, resumable; each row says
what happened to the submission; one batch at a time on a results folder; a --regrade resumes."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SUBMISSIONS, run_cli

SOLUTION = ROOT / "solutions" / "knn" / "knn.py"
PARTLY_WRONG = ROOT / "examples" / "partly_wrong" / "knn" / "knn.py"
STUB = ROOT / "assignments" / "knn" / "knn.py"

KINDS = {
    "alice": ROOT / "solutions" / "knn" / "knn.py",
    "bob": ROOT / "examples" / "partly_wrong" / "knn" / "knn.py",
    "carol": ROOT / "assignments" / "knn" / "knn.py",
    "erin": None,  # hands in nothing
}


@pytest.fixture
def klass(tmp_path):
    root = tmp_path / "class"
    for student, source in KINDS.items():
        (root / student).mkdir(parents=True)
        if source is not None:
            (root / student / "knn").mkdir()
            shutil.copyfile(source, root / student / "knn" / "knn.py")
    # dave's cross_validate_k never returns: it costs him those checks, and nobody else anything.
    (root / "dave" / "knn").mkdir(parents=True)
    (root / "dave" / "knn" / "knn.py").write_text(
        (ROOT / "solutions" / "knn" / "knn.py").read_text() + "\n" + (SUBMISSIONS / "infinite_loop.py").read_text())
    return root


def read_csv(out):
    """The CSV's first row (the points possible) and the students' rows."""
    with open(out) as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["student"] == "(maximum)", rows[0]
    return rows[0], rows[1:]


def batch(root, out, *extra):
    proc = run_cli("grade-batch", str(root), "--out", str(out), "--timeout", "2", *extra, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc, read_csv(out)[1]


def results(folder):
    """Every student's results.json without its timings (which differ from run to run): the
    times, and the measured times a timeout's message and numbers give."""
    def untimed(payload):
        for test in payload["tests"]:
            for key in ("seconds", "student_seconds"):
                test["extra_data"].pop(key)
            if test["extra_data"].get("kind") == "timed_out":
                test["extra_data"].pop("numbers")
                test["output"] = re.sub(r"Your code spent its time in .*?\)\.", "", test["output"])
        return {k: v for k, v in payload.items() if k != "execution_time"}

    return {p.name: untimed(json.loads(p.read_text()))
            for p in folder.glob("*.json") if not p.name.endswith(".meta.json")}


def test_grades_a_class_the_same_way_with_any_number_of_jobs(klass, tmp_path):
    proc, one = batch(klass, tmp_path / "one.csv", "--jobs", "1")
    _, two = batch(klass, tmp_path / "two.csv", "--jobs", "2")
    assert one == two
    assert {r["student"]: r["knn"] for r in one} == {"alice": "31", "bob": "19", "carol": "0", "dave": "25",
                                                     "erin": "0"}
    assert all(r["total"] == r["knn"] for r in one)
    # No --assignment: the class handed in knn only, so knn is graded (nobody is missing the other seven)
    assert "grading knn: what at least one student handed in (--assignment to choose)" in proc.stderr
    assert list(one[0]) == ["student", "knn", "total", "status", "detail"]
    assert {r["student"]: (r["status"], r["detail"]) for r in one} == {
        **{s: ("graded", "") for s in ("alice", "bob", "carol", "dave")},
        "erin": ("missing", "knn: missing: expected knn/knn.py, knn.py, knn/knn.ipynb or knn.ipynb (or one of these "
                            "one folder down); the folder is empty")}
    assert results(tmp_path / "one-results") == results(tmp_path / "two-results")
    assert json.loads((tmp_path / "one-results" / "alice.json").read_text())["score"] == 31


def test_resumes_and_regrades_only_what_changed(klass, tmp_path):
    out = tmp_path / "grades.csv"
    batch(klass, out, "--jobs", "2")
    graded = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "grades-results").glob("*.json")}
    proc, _ = batch(klass, out, "--jobs", "2")
    assert "5/5 submissions (5 unchanged, skipped)" in proc.stderr
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "grades-results").glob("*.json")} == graded
    shutil.copyfile(ROOT / "solutions" / "knn" / "knn.py", klass / "carol" / "knn" / "knn.py")  # carol finishes
    proc, rows = batch(klass, out, "--jobs", "2")
    assert "(4 unchanged, skipped)" in proc.stderr
    assert {r["student"]: r["knn"] for r in rows}["carol"] == "31"
    changed = {p.name for p in (tmp_path / "grades-results").glob("*.json")
               if graded.get(p.name) != p.stat().st_mtime_ns}
    assert changed == {"carol.json", "carol.meta.json"}
    proc, _ = batch(klass, out, "--jobs", "2", "--regrade")
    assert "(0 unchanged, skipped)" in proc.stderr


def test_bad_arguments_exit_2(tmp_path):
    assert run_cli("grade-batch", str(tmp_path / "nope")).returncode == 2
    proc = run_cli("grade-batch", str(tmp_path), "--jobs", "0")
    assert proc.returncode == 2 and "--jobs" in proc.stderr


# --- what happened to each submission ----------------------------------------------------------


def put(root, path, text):
    path = root / path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def handed_in(tmp_path):
    """A class that hands in the ways students do."""
    root = tmp_path / "class"
    solution, partly = SOLUTION.read_text(), PARTLY_WRONG.read_text()
    put(root, "alice/knn/knn.py", solution)  # as assignments/
    (root / "erin").mkdir()  # nothing
    put(root, "frank/my_submission/knn/knn.py", solution)  # one folder down
    put(root, "gina/knn.py", solution)  # flat
    put(root, "hank/my_submission/knn.py", partly)  # flat, one folder down
    put(root, "ivan/knn/knn.py", solution + "\ndef broken(:\n    pass\n")  # a syntax error
    put(root, "judy/knn/knn.py", (SUBMISSIONS / "import_hang.py").read_text())  # never finishes importing
    put(root, "ken/knn/knn.py", "import ctypes\n\nctypes.string_at(0)\n")  # crashes while imported
    put(root, "leo/knn/knn.py", solution)  # two modules that differ
    put(root, "leo/knn.py", STUB.read_text())
    put(root, "mia/first_try/knn/knn.py", STUB.read_text())  # two folders one level down
    put(root, "mia/final/knn.py", solution)
    put(root, "nick/KNN.py", solution)  # not the module's name
    return root


def test_each_row_says_what_happened_to_the_submission(handed_in, tmp_path):
    out = tmp_path / "grades.csv"
    proc = run_cli("grade-batch", str(handed_in), "--out", str(out), "--assignment", "knn", "--timeout", "2",
                   "--jobs", "2", timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    maximum, rows = read_csv(out)
    assert (maximum["knn"], maximum["total"]) == ("31", "31")
    rows = {r["student"]: r for r in rows}
    assert {s: (r["status"], r["knn"]) for s, r in rows.items()} == {
        "alice": ("graded", "31"), "erin": ("missing", "0"), "frank": ("graded", "31"), "gina": ("graded", "31"),
        "hank": ("graded", "19"), "ivan": ("does not import", "0"), "judy": ("timed out", "0"),
        "ken": ("crashed", "0"), "leo": ("ambiguous", "0"), "mia": ("ambiguous", "0"), "nick": ("missing", "0")}
    for student in ("alice", "frank", "gina", "hank"):
        assert rows[student]["detail"] == ""
    detail = {s: r["detail"] for s, r in rows.items()}
    assert detail["erin"].startswith("knn: missing: expected knn/knn.py, knn.py, knn/knn.ipynb or knn.ipynb")
    assert detail["erin"].endswith("the folder is empty")
    assert detail["ivan"].startswith("knn: does not import: knn.py could not be imported: SyntaxError")
    assert "importing knn.py did not finish in time" in detail["judy"]
    assert detail["ken"].startswith("knn: crashed: knn.py could not be imported")
    assert detail["leo"] == "knn: ambiguous: knn/knn.py and knn.py differ; keep only one"
    assert detail["mia"] == "knn: ambiguous: 2 folders hold knn: final/knn.py, first_try/knn/knn.py; keep only one"
    assert detail["nick"].endswith("; found KNN.py instead")

    # Each results.json says it too, as data and in the text students see.
    payloads = {s: json.loads((tmp_path / "grades-results" / f"{s}.json").read_text()) for s in rows}
    assert {s: p["extra_data"]["status"] for s, p in payloads.items()} == {
        "alice": "graded", "erin": "missing", "frank": "graded", "gina": "graded", "hank": "graded",
        "ivan": "does_not_import", "judy": "timed_out", "ken": "crashed", "leo": "ambiguous", "mia": "ambiguous",
        "nick": "missing"}
    assert payloads["frank"]["extra_data"]["assignments"]["knn"]["file"] == "my_submission/knn/knn.py"
    assert payloads["hank"]["extra_data"]["assignments"]["knn"]["file"] == "my_submission/knn.py"
    assert "knn/knn.py and knn.py differ" in payloads["leo"]["output"]
    assert all("which file to grade for knn is not clear" in t["output"] for t in payloads["leo"]["tests"])
    assert all(t["extra_data"]["cause"] == "crashed" for t in payloads["ken"]["tests"])

    # The batch ends with one line per student not graded in full.
    summary = proc.stdout.split("Not graded in full: 7 of 11 students\n", 1)[1].splitlines()
    assert [line.split()[0] for line in summary] == ["erin", "ivan", "judy", "ken", "leo", "mia", "nick"]
    assert summary[0].split(None, 1)[1] == detail["erin"]


def test_grade_says_which_layout_it_used_or_what_is_ambiguous(tmp_path):
    solution = SOLUTION.read_text()
    put(tmp_path, "frank/my_submission/knn/knn.py", solution)
    put(tmp_path, "gina/knn.py", solution + "\n\ndef cross_validate_k(X, y, k_choices, num_folds=5):\n"
                                             "    raise ValueError('boom')\n")
    put(tmp_path, "leo/knn/knn.py", solution)
    put(tmp_path, "leo/knn.py", STUB.read_text())
    put(tmp_path, "olga/knn/knn.py", solution)  # the same module twice: no doubt which to grade
    put(tmp_path, "olga/knn.py", solution)

    def grade(student):
        out = tmp_path / f"{student}.json"
        proc = run_cli("grade", str(tmp_path / student), "--assignment", "knn", "--public-only", "--timeout", "2",
                       "--json", str(out), timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc, json.loads(out.read_text())

    proc, payload = grade("frank")
    assert "knn: graded my_submission/knn/knn.py" in proc.stderr.splitlines()
    assert payload["score"] == 22 and payload["extra_data"]["status"] == "graded"

    proc, payload = grade("gina")  # a flat module: messages name it, not the grader's copy of it
    assert "knn: graded knn.py" in proc.stderr.splitlines()
    assert f'File "{tmp_path / "gina" / "knn.py"}", line' in proc.stdout, proc.stdout[-2000:]
    assert "autograder-submission-" not in proc.stdout
    assert 0 < payload["score"] < 22

    proc, payload = grade("leo")
    assert "warning: knn: ambiguous: knn/knn.py and knn.py differ; keep only one" in proc.stderr.splitlines()
    assert payload["score"] == 0 and payload["extra_data"]["status"] == "ambiguous"

    proc, payload = grade("olga")
    assert "knn: also there, not graded: knn.py" in proc.stderr.splitlines()
    assert payload["score"] == 22 and payload["extra_data"]["assignments"]["knn"]["file"] == "knn/knn.py"


def test_a_rerun_regrades_a_flat_or_nested_submission_that_changed(tmp_path):
    root = tmp_path / "class"
    put(root, "gina/knn.py", STUB.read_text())
    put(root, "frank/my_submission/knn/knn.py", SOLUTION.read_text())
    put(root, "hal/knn/knn.py", SOLUTION.read_text())
    out = tmp_path / "grades.csv"
    _, rows = batch(root, out, "--assignment", "knn", "--public-only", "--jobs", "2")
    assert {r["student"]: r["knn"] for r in rows} == {"frank": "22", "gina": "0", "hal": "22"}
    put(root, "gina/knn.py", SOLUTION.read_text())  # gina finishes her flat module
    put(root, "frank/my_submission/knn/notes.txt", "a file beside the module, copied to the sandbox with it")
    proc, rows = batch(root, out, "--assignment", "knn", "--public-only", "--jobs", "2")
    assert "3/3 submissions (1 unchanged, skipped)" in proc.stderr
    assert {r["student"]: r["knn"] for r in rows} == {"frank": "22", "gina": "22", "hal": "22"}


# --- one batch at a time, and a regrade that resumes ---------------------------------------------


def _as_from_a_terminal():
    """Ctrl-C's default action, as a terminal's job has it: a test run started in the background
    by a non-interactive shell inherits SIGINT ignored, which Python (rightly) keeps ignoring."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_batch(root, out, *extra):
    """grade-batch in the background, in a session of its own (as a terminal runs it)."""
    return subprocess.Popen([sys.executable, "-m", "autograder", "grade-batch", str(root), "--out", str(out),
                             "--timeout", "2", *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, preexec_fn=_as_from_a_terminal)


def meta_times(folder):
    return {p.name.split(".")[0]: p.stat().st_mtime_ns for p in folder.glob("*.meta.json")}


def test_an_interrupted_regrade_resumes_where_it_stopped(tmp_path):
    root = tmp_path / "class"
    for student in ("amy", "ben", "cat"):
        put(root, f"{student}/knn/knn.py", SOLUTION.read_text())
    out, results = tmp_path / "grades.csv", tmp_path / "grades-results"
    batch(root, out, "--jobs", "2", "--public-only")
    before = meta_times(results)
    assert len(before) == 3

    first = start_batch(root, out, "--jobs", "1", "--public-only", "--regrade")
    deadline = time.monotonic() + 300
    while meta_times(results) == before and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGINT)  # Ctrl-C once the first student is regraded
    _, stderr = first.communicate(timeout=120)
    assert first.returncode == 130 and "run the same command to resume" in stderr, stderr
    interrupted = meta_times(results)
    regraded = {s for s in before if interrupted[s] != before[s]}
    assert 1 <= len(regraded) < 3, regraded

    proc, rows = batch(root, out, "--jobs", "2", "--public-only", "--regrade")  # the same command again
    assert "resuming the --regrade begun" in proc.stderr
    assert f"3/3 submissions ({len(regraded)} already regraded, skipped)" in proc.stderr
    resumed = meta_times(results)
    assert {s for s in before if resumed[s] != interrupted[s]} == set(before) - regraded
    assert {r["student"]: r["knn"] for r in rows} == dict.fromkeys(before, "22")

    proc, _ = batch(root, out, "--jobs", "2", "--public-only", "--regrade")  # that regrade is done: a new one
    assert "resuming" not in proc.stderr and "(0 unchanged, skipped)" in proc.stderr
    assert all(t != resumed[s] for s, t in meta_times(results).items())


def session_processes(session: int) -> list[int]:
    """The processes still alive in ``session`` (zombies not counted)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session and fields[0] != "Z":
                alive.append(int(stat.parent.name))
    return alive


def test_a_ctrl_c_of_the_batch_alone_ends_it_at_once_with_every_process(tmp_path):
    """SIGINT to the batch's own process only (as `timeout -s INT` sends it), while a pool
    process grades a submission that would take a minute: the batch says it was interrupted and
    ends within seconds, its pool processes, fork servers and sandboxed workers with it. (Waiting
    for the running grades, as the executor's shutdown does, took the minute; a Ctrl-C in the
    executor's bookkeeping could leave the batch waiting for idle processes for ever.)"""
    root = tmp_path / "class"
    put(root, "amy/knn/knn.py", SOLUTION.read_text())
    put(root, "ben/knn/knn.py", SOLUTION.read_text() + "\n\n" + (SUBMISSIONS / "infinite_loop.py").read_text())
    put(root, "cat/knn/knn.py", SOLUTION.read_text())
    out, results = tmp_path / "grades.csv", tmp_path / "grades-results"
    first = start_batch(root, out, "--jobs", "2", "--public-only", "--timeout", "60")
    deadline = time.monotonic() + 300
    while "amy" not in meta_times(results) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.poll() is None, first.communicate()
    interrupted = time.monotonic()
    os.kill(first.pid, signal.SIGINT)
    _, stderr = first.communicate(timeout=120)
    took = time.monotonic() - interrupted
    assert first.returncode == 130 and "run the same command to resume" in stderr, stderr
    assert took < 20, f"the interrupted batch took {took:.0f} s to end"
    deadline = time.monotonic() + 10
    while session_processes(first.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(first.pid) == []
    assert "ben" not in meta_times(results)


def test_a_second_batch_on_the_same_results_is_refused_and_a_stale_lock_taken_over(tmp_path):
    root = tmp_path / "class"
    put(root, "amy/knn/knn.py", SOLUTION.read_text())
    put(root, "ben/knn/knn.py", (SUBMISSIONS / "import_hang.py").read_text())
    out, lock = tmp_path / "grades.csv", tmp_path / "grades-results" / ".grade-batch.lock"
    first = start_batch(root, out, "--jobs", "1")
    deadline = time.monotonic() + 120
    while first.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            if json.loads(lock.read_text())["pid"] == first.pid:
                break
        time.sleep(0.05)
    second = run_cli("grade-batch", str(root), "--out", str(out), "--timeout", "2", timeout=120)
    assert first.poll() is None, "the first batch ended before the second started: make it slower"
    assert second.returncode == 2, second.stdout + second.stderr
    assert f"holds the lock file {lock}" in second.stderr and f"(pid {first.pid} on " in second.stderr
    assert not out.exists()  # the second wrote nothing
    _, stderr = first.communicate(timeout=600)
    assert first.returncode == 0, stderr
    assert not lock.exists()

    gone = subprocess.Popen([sys.executable, "-c", "pass"])  # a process that has ended: its lock is stale
    gone.wait()
    lock.write_text(json.dumps({"pid": gone.pid, "host": "here", "since": "yesterday"}))
    proc, rows = batch(root, out, "--jobs", "1")
    assert f"took over the lock file {lock} left by pid {gone.pid} on here since yesterday" in proc.stderr
    assert len(rows) == 2 and not lock.exists()
