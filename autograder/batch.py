"""Grading a whole class: ``python -m autograder grade-batch SUBMISSIONS_DIR``.

Every sub-folder of SUBMISSIONS_DIR is one student's submission, laid out like ``assignments/``.
:func:`grade_batch` takes the submissions, an :class:`Executor` that grades them (each one with
:func:`~autograder.grading.grade_submission`, somewhere) and hands back their records, and a
:class:`Store` that keeps what was graded. The local executor is a pool of ``jobs`` grader
processes, each with its own fork server of sandboxed workers and single-threaded, so that
results do not depend on ``jobs``; the store is a results folder: each student's Gradescope
``results.json`` is written there as soon as it is graded, with a fingerprint of what was graded
(the submission's files, the grader's code, the reference, the limits). A rerun skips every
submission whose fingerprint still matches, so an interrupted run resumes where it stopped. At
the end, one CSV row per student, one column per assignment.
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
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from . import paths
from .core.report import gradescope_results
from .core.results import SubmissionRecord
from .core.runner import GraderError
from .grading import GradingOptions, grade_submission

__all__ = ["BatchRow", "Executor", "LocalPool", "Progress", "ResultsFolder", "Store", "Submission",
           "find_submissions", "grade_batch", "grade_job", "write_csv"]

SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Submission:
    """One student's submission folder."""

    student: str
    folder: Path


def find_submissions(root: Path) -> list[Submission]:
    """A submission for every visible sub-folder of ``root``, sorted by name."""
    return sorted((Submission(p.name, p) for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda s: s.student)


# --- what a class's row says ---------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    """One student's line of the CSV (and of the results folder's ``.meta.json``)."""

    student: str
    scores: dict[str, float] = field(default_factory=dict)
    max_scores: dict[str, float] = field(default_factory=dict)
    internal_errors: tuple[str, ...] = ()
    fingerprint: str = ""
    error: str = ""  # the grader could not grade this submission: why

    @classmethod
    def of(cls, record: SubmissionRecord, fingerprint: str = "") -> BatchRow:
        scores, maxima = record.scores()
        return cls(record.student, scores, maxima, tuple(record.internal_errors), fingerprint, record.error)

    @property
    def graded(self) -> bool:
        return not self.error

    @property
    def status(self) -> str:
        if self.error:
            return f"not graded: {self.error}"
        return "ok" if not self.internal_errors else "grader error in " + " ".join(self.internal_errors)

    def to_meta(self) -> dict:
        return {"student": self.student, "fingerprint": self.fingerprint, "scores": self.scores,
                "max_scores": self.max_scores, "internal_errors": list(self.internal_errors)}

    @classmethod
    def from_meta(cls, meta: dict) -> BatchRow:
        return cls(meta["student"], dict(meta["scores"]), dict(meta["max_scores"]),
                   tuple(meta.get("internal_errors", ())), meta["fingerprint"])


# --- fingerprints ------------------------------------------------------------------------------


def _hash_tree(digest, root: Path) -> None:
    if not root.exists():
        digest.update(f"missing {root.name}\n".encode())
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def grader_fingerprint(options: GradingOptions) -> str:
    """Changes when anything that decides a grade changes: checks, core, reference, limits."""
    digest = hashlib.sha256()
    _hash_tree(digest, paths.PACKAGE)
    for name in options.assignments:
        _hash_tree(digest, options.solutions / name)
    digest.update(repr((options.assignments, options.public_only, options.limits)).encode())
    return digest.hexdigest()


def submission_fingerprint(folder: Path, options: GradingOptions, grader: str) -> str:
    digest = hashlib.sha256(grader.encode())
    for name in options.assignments:
        _hash_tree(digest, folder / name)
    return digest.hexdigest()


# --- executors: where submissions are graded ---------------------------------------------------


def grade_job(submission: Submission, options: GradingOptions) -> dict:
    """Grade one submission wherever an executor runs it; its record as JSON (plain data, to
    travel back). A grader that cannot go on for this submission gives a "not graded" record."""
    try:
        record = grade_submission(submission.folder, options, student=submission.student)
    except GraderError as error:
        record = SubmissionRecord(submission.student, str(submission.folder), options.assignments, error=str(error))
    return record.to_json()


class Executor(Protocol):
    """Grades submissions and yields their records as they are done, in any order. A submission
    the grader cannot grade yields a record with status "not_graded"; nothing else escapes."""

    def grade(self, submissions: Sequence[Submission], options: GradingOptions) -> Iterator[SubmissionRecord]: ...


def _initialise_process() -> None:
    """A pool process grades single-threaded, whatever its parent's settings: BLAS and PyTorch
    limited now (they may be loaded already), and the variables set for anything started later."""
    os.environ.update(SINGLE_THREAD)
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - scikit-learn brings threadpoolctl
        pass
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover
        pass


class LocalPool:
    """``jobs`` grader processes on this machine (spawned, so each starts clean)."""

    def __init__(self, jobs: int) -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.jobs = jobs

    def grade(self, submissions: Sequence[Submission], options: GradingOptions) -> Iterator[SubmissionRecord]:
        if not submissions:
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_initialise_process) as pool:
            pending = {pool.submit(grade_job, s, options) for s in submissions}
            try:
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        yield SubmissionRecord.from_json(future.result())
            finally:
                for future in pending:
                    future.cancel()


# --- stores: where results are kept ------------------------------------------------------------


class Store(Protocol):
    """Keeps what was graded, so that a rerun skips it."""

    def previous(self, student: str, fingerprint: str) -> BatchRow | None: ...

    def save(self, record: SubmissionRecord, fingerprint: str) -> BatchRow: ...


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)


class ResultsFolder:
    """``<student>.json`` (Gradescope's results.json) and ``<student>.meta.json`` (the row and
    its fingerprint) per student graded, each written whole or not at all."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def previous(self, student: str, fingerprint: str) -> BatchRow | None:
        try:
            meta = json.loads((self.folder / f"{student}.meta.json").read_text())
            json.loads((self.folder / f"{student}.json").read_text())
            row = BatchRow.from_meta(meta)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return row if row.fingerprint == fingerprint else None

    def save(self, record: SubmissionRecord, fingerprint: str) -> BatchRow:
        row = BatchRow.of(record, fingerprint)
        if row.graded:
            self.folder.mkdir(parents=True, exist_ok=True)
            payload = gradescope_results(record.results, record.seconds)
            _write_atomically(self.folder / f"{record.student}.json", json.dumps(payload, indent=2) + "\n")
            _write_atomically(self.folder / f"{record.student}.meta.json", json.dumps(row.to_meta(), indent=2) + "\n")
        return row


# --- the batch ---------------------------------------------------------------------------------


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


def grade_batch(submissions: Sequence[Submission], executor: Executor, store: Store, *, options: GradingOptions,
                regrade: bool = False, progress: Progress | None = None) -> list[BatchRow]:
    """Grade every submission whose files or grader changed since ``store`` last saw it (all of
    them with ``regrade``), with ``executor``; every record goes to ``store`` as it arrives.
    Returns one row per submission. Leaves this process's environment as it found it."""
    grader = grader_fingerprint(options)
    rows: list[BatchRow] = []
    todo: list[Submission] = []
    fingerprints: dict[str, str] = {}
    for submission in submissions:
        fingerprint = submission_fingerprint(submission.folder, options, grader)
        previous = None if regrade else store.previous(submission.student, fingerprint)
        if previous is not None:
            rows.append(previous)
            if progress:
                progress.update(skipped=True)
        else:
            todo.append(submission)
            fingerprints[submission.student] = fingerprint
    for record in executor.grade(todo, options):
        rows.append(store.save(record, fingerprints[record.student]))
        if progress:
            progress.update()
    return rows


def write_csv(path: Path, rows: Sequence[BatchRow], assignments: Sequence[str]) -> None:
    """One row per student, one column per assignment, a total and a status."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", *assignments, "total", "status"])
    for row in sorted(rows, key=lambda r: r.student):
        if not row.graded:
            writer.writerow([row.student, *[""] * len(assignments), "", row.status])
            continue
        scores = [row.scores.get(a, 0.0) for a in assignments]
        writer.writerow([row.student, *[f"{s:g}" for s in scores], f"{sum(scores):g}", row.status])
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, buffer.getvalue())
