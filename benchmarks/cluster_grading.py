"""Grading on a Ray cluster against the local process pool: a class of 60 generated kNN
submissions (reference, partly wrong, stubs: batch_grading's class) graded by `grade-batch --jobs 2`
and by `grade-batch --cluster local --jobs 2` (a Ray instance of 2 CPUs started for the batch) in
the same run. Submissions per minute side by side, Ray's start-up apart, and Ray's overhead per
submission; goal: the cluster within 15% of the pool on one machine once started, so that N
machines give close to N times the throughput. kNN submissions are the short ones (a few
seconds each): a fixed cost per task weighs most on them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from batch_grading import make_class


def _grade(folder: Path, out: Path, *extra: str) -> tuple[float, float]:
    """(seconds from the command to its end, seconds of grading as the batch reports them)."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade-batch", str(folder), "--out", str(out),
                           "--regrade", *extra], capture_output=True, text=True, cwd=folder.parent,
                          env={**os.environ, "RAY_ADDRESS": ""})
    total = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"grade-batch {' '.join(extra)} failed:\n{proc.stdout}\n{proc.stderr}")
    grading = float(re.search(r"students, ([0-9.]+) s", proc.stdout).group(1))
    return total, grading


def run(count: int = 60) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kinds = make_class(tmp / "class", count)
        pool = _grade(tmp / "class", tmp / "pool.csv", "--jobs", "2")
        ray = _grade(tmp / "class", tmp / "ray.csv", "--cluster", "local", "--jobs", "2")
        same = (tmp / "pool.csv").read_text() == (tmp / "ray.csv").read_text()
    overhead = (ray[1] - pool[1]) / count
    per_submission = pool[1] / count * 2  # CPU-seconds of one submission (2 graders side by side)
    print(f"grade-batch on {count} kNN submissions ({', '.join(f'{v} {k}' for k, v in kinds.items())}), 2 CPUs:")
    print(f"  local pool (--jobs 2):          grading {pool[1]:6.1f} s  {count / pool[1] * 60:6.0f} submissions/min"
          f"   (command {pool[0]:.1f} s)")
    print(f"  Ray (--cluster local --jobs 2): grading {ray[1]:6.1f} s  {count / ray[1] * 60:6.0f} submissions/min"
          f"   (command {ray[0]:.1f} s, of which Ray's start and stop {ray[0] - ray[1]:.1f} s)")
    print(f"  Ray's overhead per submission: {overhead:+.3f} s ({overhead / (pool[1] / count) * 100:+.1f}% of the "
          f"pool's {pool[1] / count:.2f} s; goal within 15%); same CSV: {'yes' if same else 'NO'}")
    print(f"  one submission costs {per_submission:.1f} CPU-seconds here: a cluster of N such 2-CPU machines "
          f"grades about N x {count / ray[1] * 60:.0f} kNN submissions/min")
    return {"pool": pool, "ray": ray, "overhead": overhead, "same": same}
