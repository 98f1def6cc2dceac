"""Batch grading: 100 generated kNN submissions (reference, partly wrong, stubs) graded by
`grade-batch` with --jobs 1 and --jobs 2 in the same run: submissions per minute, the speed-up,
and whether both runs gave identical grades. Then the same kinds of submissions as nbgrader
notebooks, graded by `nbgrader autograde` and by our `grade-batch` in the same run. Goal: at
least 10x nbgrader's throughput. (The full grade of all eight assignments, and the batch of
full submissions, are `full_grade.py`'s.)"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT


def make_class(folder: Path, count: int) -> dict[str, int]:
    """``count`` submissions: 40% the reference, 40% partly wrong (the bug bank laid over the
    reference, and the example), 20% untouched stubs."""
    reference = (ROOT / "solutions" / "knn" / "knn.py").read_text()
    wrong = [reference + "\n\n" + bug.read_text() for bug in sorted((ROOT / "tests" / "bugbank" / "knn").glob("*.py"))]
    wrong.append((ROOT / "examples" / "partly_wrong" / "knn" / "knn.py").read_text())
    stub = (ROOT / "assignments" / "knn" / "knn.py").read_text()
    kinds = {"reference": 0, "partly wrong": 0, "stub": 0}
    for i in range(count):
        kind = ("reference", "reference", "partly wrong", "partly wrong", "stub")[i % 5]
        source = {"reference": reference, "stub": stub}.get(kind) or wrong[(i // 5) % len(wrong)]
        (folder / f"student{i:03d}" / "knn").mkdir(parents=True)
        (folder / f"student{i:03d}" / "knn" / "knn.py").write_text(source)
        kinds[kind] += 1
    return kinds


def grade_batch(folder: Path, out: Path, jobs: int) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "grade-batch", str(folder), "--jobs", str(jobs),
                    "--out", str(out), "--regrade"], check=True, capture_output=True, cwd=folder.parent)
    return time.perf_counter() - started


def run(count: int = 100, notebooks: int = 24) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kinds = make_class(tmp / "class", count)
        times = {jobs: grade_batch(tmp / "class", tmp / f"grades-{jobs}.csv", jobs) for jobs in (1, 2)}
        same_csv = (tmp / "grades-1.csv").read_text() == (tmp / "grades-2.csv").read_text()

        def graded(path):
            """A results file without its timings (which differ from run to run)."""
            payload = json.loads(path.read_text())
            for test in payload.get("tests", []):
                for key in ("seconds", "student_seconds"):
                    test["extra_data"].pop(key, None)
            return {k: v for k, v in payload.items() if k != "execution_time"}

        same_json = all(
            graded(a) == graded(tmp / "grades-2-results" / a.name)
            for a in (tmp / "grades-1-results").glob("*.json")
        )
    print(f"grade-batch on {count} submissions ({', '.join(f'{v} {k}' for k, v in kinds.items())}), "
          "student code in sandboxed workers:")
    for jobs, seconds in times.items():
        print(f"  --jobs {jobs}: {seconds:6.1f} s   {count / seconds * 60:6.0f} submissions/min")
    print(f"  speed-up --jobs 2 / --jobs 1: {times[1] / times[2]:.2f}x; identical grades and results: "
          f"{'yes' if same_csv and same_json else 'NO'}")
    nb = against_nbgrader(notebooks)
    return {"times": times, "identical": same_csv and same_json, **nb}


def against_nbgrader(count: int) -> dict:
    """``count`` notebook submissions (reference, partly wrong, untouched) through `nbgrader
    autograde` (one kernel per notebook, one at a time: nbgrader cannot autograde in parallel)
    and through our `grade-batch --jobs 2`, same machine, same run."""
    sys.path.insert(0, str(ROOT))
    from autograder.course import fill_notebook, write_course

    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        write_course(course, ["knn"])
        subprocess.run(["nbgrader", "generate_assignment", "knn", "--force"], cwd=course, env=env, check=True,
                       capture_output=True)
        release = json.loads((course / "release" / "knn" / "knn.ipynb").read_text())
        modules = [(ROOT / "solutions" / "knn" / "knn.py").read_text(),
                   (ROOT / "examples" / "partly_wrong" / "knn" / "knn.py").read_text(), None]
        for i in range(count):
            folder = course / "submitted" / f"student{i:03d}" / "knn"
            folder.mkdir(parents=True)
            module = modules[i % 3]
            (folder / "knn.ipynb").write_text(json.dumps(release if module is None else fill_notebook(release, module)))
            (folder / "timestamp.txt").write_text("2026-11-27 12:00:00.000000 UTC")
        started = time.perf_counter()
        subprocess.run(["nbgrader", "autograde", "knn", "--create"], cwd=course, env=env, check=True,
                       capture_output=True)
        theirs = time.perf_counter() - started
        subprocess.run(["nbgrader", "export", "--to", str(Path(tmp) / "nbgrader.csv")], cwd=course, env=env,
                       check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "autograder", "grade-batch", str(course / "submitted"), "--jobs", "2",
                        "--out", str(Path(tmp) / "ours.csv")], check=True, capture_output=True, cwd=tmp)
        ours = time.perf_counter() - started
        with open(Path(tmp) / "nbgrader.csv") as f:
            nbgrader_scores = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(f)}
        with open(Path(tmp) / "ours.csv") as f:
            our_scores = {r["student"]: float(r["knn"]) for r in csv.DictReader(f) if r["student"] != "(maximum)"}
    print(f"the same kind of submissions as {count} nbgrader notebooks (reference, partly wrong, untouched):")
    print(f"  nbgrader autograde:               {theirs:6.1f} s   {count / theirs * 60:6.1f} notebooks/min")
    print(f"  our grade-batch --jobs 2:         {ours:6.1f} s   {count / ours * 60:6.1f} notebooks/min")
    print(f"  throughput ratio: {theirs / ours:.1f}x (goal >= 10x); same scores: "
          f"{'yes' if nbgrader_scores == our_scores else 'NO'}")
    return {"nbgrader_seconds": theirs, "ours_seconds": ours, "same_scores": nbgrader_scores == our_scores}
