"""grade-batch: one CSV row per student, the same grades for any --jobs, resumable."""

from __future__ import annotations

import csv
import json
import re
import shutil

import pytest
from conftest import ROOT, SUBMISSIONS, run_cli

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


def batch(root, out, *extra):
    proc = run_cli("grade-batch", str(root), "--out", str(out), "--timeout", "2", *extra, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(out) as f:
        return proc, list(csv.DictReader(f))


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
    _, one = batch(klass, tmp_path / "one.csv", "--jobs", "1")
    _, two = batch(klass, tmp_path / "two.csv", "--jobs", "2")
    assert one == two
    assert {r["student"]: r["knn"] for r in one} == {"alice": "31", "bob": "19", "carol": "0", "dave": "25",
                                                     "erin": "0"}
    assert all(r["total"] == r["knn"] and r["status"] == "ok" for r in one)
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
