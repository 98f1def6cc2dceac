"""Grading a whole class: ``python -m autograder grade-batch SUBMISSIONS_DIR``.

Every sub-folder of SUBMISSIONS_DIR is one student's submission, laid out like ``assignments/``.
Submissions are graded in parallel by ``jobs`` grader processes (each with its own fork server
of sandboxed workers, each single-threaded so that results do not depend on ``jobs``); each
one's Gradescope ``results.json`` is written to the JSON folder as soon as it is done, with a
fingerprint of what was graded (the submission's files, the grader's code, the reference, the
limits). A rerun skips every submission whose fingerprint still matches, so an interrupted run
resumes where it stopped. At the end, one CSV row per student, one column per assignment.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .core.report import gradescope_results
from .core.runner import GraderError, Limits

SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True)
class BatchOptions:
    assignments: tuple[str, ...]
    public_only: bool
    solutions: Path
    limits: Limits


def find_submissions(root: Path) -> list[tuple[str, Path]]:
    """(student, folder) for every visible sub-folder of ``root``, sorted by name."""
    return sorted((p.name, p) for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _hash_tree(digest, root: Path) -> None:
    if not root.exists():
        digest.update(f"missing {root.name}\n".encode())
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def grader_fingerprint(options: BatchOptions) -> str:
    """Changes when anything that decides a grade changes: checks, core, reference, limits."""
    digest = hashlib.sha256()
    _hash_tree(digest, paths.PACKAGE)
    for name in options.assignments:
        _hash_tree(digest, options.solutions / name)
    digest.update(repr((options.assignments, options.public_only, options.limits)).encode())
    return digest.hexdigest()


def submission_fingerprint(folder: Path, options: BatchOptions, grader: str) -> str:
    digest = hashlib.sha256(grader.encode())
    for name in options.assignments:
        _hash_tree(digest, folder / name)
    return digest.hexdigest()


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)


def _initialise_process() -> None:
    os.environ.update(SINGLE_THREAD)
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover
        pass


def grade_one(student: str, folder: Path, options: BatchOptions, json_dir: Path, fingerprint: str) -> dict:
    """Grade one submission (in a pool process); write its results; return its CSV row."""
    from .cli import grade

    started = time.perf_counter()
    results = grade(folder, list(options.assignments), public_only=options.public_only,
                    solutions=options.solutions, limits=options.limits)
    payload = gradescope_results(results, time.perf_counter() - started)
    scores = {name: 0.0 for name in options.assignments}
    maxima = {name: 0.0 for name in options.assignments}
    for r in results:
        scores[r.check.assignment] += r.score
        maxima[r.check.assignment] += r.max_score
    meta = {"student": student, "fingerprint": fingerprint, "scores": scores, "max_scores": maxima,
            "internal_errors": [r.name for r in results if r.internal_error]}
    _write_atomically(json_dir / f"{student}.json", json.dumps(payload, indent=2) + "\n")
    _write_atomically(json_dir / f"{student}.meta.json", json.dumps(meta, indent=2) + "\n")
    return meta


def _already_graded(json_dir: Path, student: str, fingerprint: str) -> dict | None:
    try:
        meta = json.loads((json_dir / f"{student}.meta.json").read_text())
        json.loads((json_dir / f"{student}.json").read_text())
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and meta.get("fingerprint") == fingerprint else None


class Progress:
    """A one-line progress bar on a terminal; a line every few seconds otherwise."""

    def __init__(self, total: int, stream=sys.stderr) -> None:
        self.total, self.stream, self.done, self.skipped = total, stream, 0, 0
        self.started = self.last = time.monotonic()
        self.tty = stream.isatty()

    def update(self, skipped: bool = False, force: bool = False) -> None:
        self.done += 1
        self.skipped += skipped
        now = time.monotonic()
        if not (self.tty or force or now - self.last >= 5 or self.done == self.total):
            return
        self.last = now
        graded = self.done - self.skipped
        rate = graded / (now - self.started) if graded and now > self.started else 0.0
        eta = (self.total - self.done) / rate if rate else 0.0
        width = 30
        bar = "#" * int(width * self.done / max(self.total, 1))
        line = (f"[{bar:<{width}}] {self.done}/{self.total} submissions ({self.skipped} unchanged, skipped)"
                f"  {rate * 60:.0f}/min  ETA {eta:.0f} s")
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def write_csv(path: Path, rows: list[dict], assignments: tuple[str, ...]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", *assignments, "total", "status"])
    for row in sorted(rows, key=lambda r: r["student"]):
        if "error" in row:
            writer.writerow([row["student"], *[""] * len(assignments), "", f"not graded: {row['error']}"])
            continue
        scores = [row["scores"].get(a, 0.0) for a in assignments]
        status = "ok" if not row.get("internal_errors") else "grader error in " + " ".join(row["internal_errors"])
        writer.writerow([row["student"], *[f"{s:g}" for s in scores], f"{sum(scores):g}", status])
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, buffer.getvalue())


def grade_batch(root: Path, *, jobs: int, out: Path, json_dir: Path, options: BatchOptions,
                regrade: bool = False, progress_stream=sys.stderr) -> list[dict]:
    """Grade every submission under ``root``; returns the rows written to ``out``."""
    submissions = find_submissions(root)
    json_dir.mkdir(parents=True, exist_ok=True)
    grader = grader_fingerprint(options)
    progress = Progress(len(submissions), progress_stream)
    rows: list[dict] = []
    todo = []
    for student, folder in submissions:
        fingerprint = submission_fingerprint(folder, options, grader)
        previous = None if regrade else _already_graded(json_dir, student, fingerprint)
        if previous is not None:
            rows.append(previous)
            progress.update(skipped=True)
        else:
            todo.append((student, folder, fingerprint))
    if todo:
        os.environ.update(SINGLE_THREAD)  # inherited by the pool's (spawned) processes
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_initialise_process) as pool:
            pending = {pool.submit(grade_one, s, f, options, json_dir, fp): s for s, f, fp in todo}
            try:
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        student = pending.pop(future)
                        try:
                            rows.append(future.result())
                        except GraderError as error:
                            rows.append({"student": student, "error": str(error)})
                        progress.update()
            except KeyboardInterrupt:
                for future in pending:
                    future.cancel()
                raise
    write_csv(out, rows, options.assignments)
    return rows
