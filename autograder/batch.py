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
the end, one CSV row per student, one column per assignment, after a row of the points possible.

Every row has a status (:data:`~autograder.core.results.STATUSES`: graded, missing, ambiguous,
does not import, timed out, crashed, grader error, not graded) and what it means. The results
folder is locked while a batch writes to it (:meth:`ResultsFolder.locked`), and a ``--regrade``
records that it began there, so that rerunning it after an interruption regrades only what it
had not reached (:meth:`ResultsFolder.begin_regrade`).
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import json
import multiprocessing
import os
import socket
import stat
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from . import paths
from .core.report import status_detail, status_text, submission_results
from .core.results import STATUSES, SubmissionRecord
from .core.runner import GraderError
from .grading import GradingOptions, grade_submission
from .submission import locate

__all__ = ["MAXIMUM", "BatchLocked", "BatchRow", "Executor", "LocalPool", "Progress", "ResultsFolder", "Store",
           "Submission", "find_submissions", "grade_batch", "grade_job", "write_atomically", "write_csv"]

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
    """One student's line of the CSV (and of the results folder's ``.meta.json``). ``status``
    is one of :data:`~autograder.core.results.STATUSES`, ``detail`` what kept the submission from
    being graded in full; ``regrade`` the ``--regrade`` it was graded in, if any."""

    student: str
    scores: dict[str, float] = field(default_factory=dict)
    max_scores: dict[str, float] = field(default_factory=dict)
    internal_errors: tuple[str, ...] = ()
    fingerprint: str = ""
    error: str = ""  # the grader could not grade this submission: why
    status: str = "graded"
    detail: str = ""
    regrade: str = ""

    def __post_init__(self) -> None:
        status = "not_graded" if self.error else self.status
        if status == "graded" and self.internal_errors:
            status = "grader_error"
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        object.__setattr__(self, "status", status)
        if not self.detail:
            detail = self.error or (f"the grader failed on {', '.join(self.internal_errors)}"
                                    if self.internal_errors else "")
            object.__setattr__(self, "detail", detail)

    @classmethod
    def of(cls, record: SubmissionRecord, fingerprint: str = "", regrade: str = "") -> BatchRow:
        scores, maxima = record.scores()
        return cls(record.student, scores, maxima, tuple(record.internal_errors), fingerprint, record.error,
                   record.status, status_detail(record), regrade)

    @property
    def scored(self) -> bool:
        """The grader graded it (whatever the status): its scores count."""
        return not self.error

    def to_meta(self) -> dict:
        return {"student": self.student, "fingerprint": self.fingerprint, "scores": self.scores,
                "max_scores": self.max_scores, "internal_errors": list(self.internal_errors),
                "status": self.status, "detail": self.detail, "regrade": self.regrade}

    @classmethod
    def from_meta(cls, meta: dict) -> BatchRow:
        return cls(meta["student"], dict(meta["scores"]), dict(meta["max_scores"]),
                   tuple(meta.get("internal_errors", ())), meta["fingerprint"], "",
                   meta.get("status", "graded"), meta.get("detail", ""), meta.get("regrade", ""))


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
    digest.update(repr((options.assignments, options.public_only, options.limits, options.only)).encode())
    return digest.hexdigest()


def _hash_inputs(digest, path: Path, folder: Path) -> None:
    """The files at ``path`` (a file or a folder), named relative to ``folder``; links as links
    (what the sandbox sees), never followed."""
    if path.is_dir() and not path.is_symlink():
        files = []
        for root, dirs, names in os.walk(path, followlinks=False):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            files += [Path(root) / name for name in sorted(names)]
    else:
        files = [path]
    for file in files:
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        try:
            info = file.lstat()
            if stat.S_ISLNK(info.st_mode):
                digest.update(b"link " + os.readlink(file).encode())
            elif stat.S_ISREG(info.st_mode):
                digest.update(hashlib.sha256(file.read_bytes()).digest())
        except OSError as error:
            digest.update(f"unreadable {error.errno}".encode())


def submission_fingerprint(folder: Path, options: GradingOptions, grader: str) -> str:
    """Changes when the grader changes, when the chosen assignments are found elsewhere (or no
    longer found), and when anything graded of them changes (see ``Location.inputs``)."""
    digest = hashlib.sha256(grader.encode())
    location = locate(folder, options.assignments)
    for entry in location.located:
        digest.update(json.dumps(entry.to_json(), sort_keys=True).encode())
        if entry.path:
            for path in location.inputs(entry.assignment):
                _hash_inputs(digest, path, folder)
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
        pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_initialise_process)
        finished_all = False
        try:
            pending = {pool.submit(grade_job, s, options) for s in submissions}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield SubmissionRecord.from_json(future.result())
            finished_all = True
        finally:
            if finished_all:
                pool.shutdown(wait=True)
            else:  # Ctrl-C, an error, or the caller stopped early: nothing more is wanted
                _stop_pool(pool)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """End a pool at once: its queued jobs cancelled, its processes killed (a grade in progress
    is thrown away; the grader's fork server and sandboxed workers die with their process).
    ``shutdown(wait=True)`` would wait for the jobs running, and a Ctrl-C in the middle of the
    executor's own bookkeeping could leave the interpreter waiting for idle processes at exit."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=10)


# --- stores: where results are kept ------------------------------------------------------------


class Store(Protocol):
    """Keeps what was graded, so that a rerun skips it. A store may also offer ``locked()`` (a
    context manager that keeps other batches out while one writes to it) and
    ``begin_regrade()`` / ``end_regrade()`` (see :class:`ResultsFolder`); :func:`grade_batch`
    uses them when it has them."""

    def previous(self, student: str, fingerprint: str) -> BatchRow | None: ...

    def save(self, record: SubmissionRecord, fingerprint: str) -> BatchRow: ...


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a sibling ``.partial`` file renamed over it),
    its folder made if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)


class BatchLocked(GraderError):
    """Another batch is writing to the same results folder."""


LOCK = ".grade-batch.lock"
REGRADE = ".regrade.json"


class ResultsFolder:
    """``<student>.json`` (Gradescope's results.json) and ``<student>.meta.json`` (the row and
    its fingerprint) per student graded, each written whole or not at all.

    ``locked()``: while a batch writes here, ``.grade-batch.lock`` holds its process id, locked
    with ``flock`` (which the kernel releases when the process ends, however it ends): a second
    batch is refused, naming the process; a lock file left by a process that is gone is taken
    over (``took_over`` then says whose it was). ``begin_regrade()``: a ``--regrade`` writes
    ``.regrade.json`` (an id and when it began) and every row it saves carries that id, until
    ``end_regrade()`` removes it once every submission is graded; a ``--regrade`` that finds
    the file resumes that regrade instead of starting another."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.took_over = ""  # the holder of a stale lock taken over
        self.unlocked = ""  # why the folder could not be locked, when it could not
        self._lock_fd: int | None = None
        self._lock_depth = 0
        self._regrade = ""

    # -- rows -------------------------------------------------------------------------------

    def previous(self, student: str, fingerprint: str) -> BatchRow | None:
        try:
            meta = json.loads((self.folder / f"{student}.meta.json").read_text())
            json.loads((self.folder / f"{student}.json").read_text())
            row = BatchRow.from_meta(meta)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return row if row.fingerprint == fingerprint else None

    def save(self, record: SubmissionRecord, fingerprint: str) -> BatchRow:
        row = BatchRow.of(record, fingerprint, self._regrade)
        if row.scored:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / f"{record.student}.json",
                              json.dumps(submission_results(record), indent=2) + "\n")
            write_atomically(self.folder / f"{record.student}.meta.json", json.dumps(row.to_meta(), indent=2) + "\n")
        return row

    # -- one batch at a time ----------------------------------------------------------------

    @property
    def lock_file(self) -> Path:
        return self.folder / LOCK

    @contextlib.contextmanager
    def locked(self):
        """Keep other batches out of this folder while the block runs (re-entrant). Raises
        :class:`BatchLocked`, naming the lock file and the process holding it."""
        if self._lock_depth == 0:
            self._lock()
        self._lock_depth += 1
        try:
            yield self
        finally:
            self._lock_depth -= 1
            if self._lock_depth == 0:
                self._unlock()

    def _lock(self) -> None:
        path = self.lock_file
        while True:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as error:
                raise GraderError(f"cannot write to the results folder {self.folder}: {error.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                os.close(fd)
                raise BatchLocked(
                    f"another grade-batch ({holder}) is writing to {self.folder}/: it holds the lock file {path}. "
                    "Wait for it to end, or stop it (a lock file left by a process that has ended is taken over "
                    "without asking)"
                ) from None
            except OSError as error:  # a file system without locks: go on unlocked, and say so
                os.close(fd)
                self.unlocked = f"the file system of {self.folder} cannot lock files ({error.strerror})"
                return
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # its holder removed it between our open and our lock: lock the new one
                os.close(fd)
                continue
            left = _holder(fd, default="")
            self.took_over = left
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                      "since": time.strftime("%Y-%m-%d %H:%M:%S")}).encode() + b"\n", 0)
            self._lock_fd = fd
            return

    def _unlock(self) -> None:
        if self._lock_fd is None:
            return
        with contextlib.suppress(OSError):
            self.lock_file.unlink()  # before unlocking: whoever opened it meanwhile sees it gone
        os.close(self._lock_fd)
        self._lock_fd = None

    # -- a regrade that resumes -------------------------------------------------------------

    def unfinished_regrade(self) -> dict | None:
        """The regrade begun here and not finished (its ``id`` and when it ``began``), if any."""
        try:
            marker = json.loads((self.folder / REGRADE).read_text())
        except (OSError, ValueError):
            return None
        return marker if isinstance(marker, dict) and isinstance(marker.get("id"), str) and marker["id"] else None

    def begin_regrade(self) -> str:
        """The id of the regrade to do: the unfinished one, else a new one (recorded)."""
        marker = self.unfinished_regrade()
        if marker is None:
            marker = {"id": uuid.uuid4().hex, "began": time.strftime("%Y-%m-%d %H:%M:%S")}
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / REGRADE, json.dumps(marker) + "\n")
        self._regrade = marker["id"]
        return self._regrade

    def end_regrade(self) -> None:
        """Every submission is regraded: the next ``--regrade`` begins another."""
        with contextlib.suppress(FileNotFoundError):
            (self.folder / REGRADE).unlink()
        self._regrade = ""


def _holder(fd: int, default: str = "pid unknown") -> str:
    """Who holds (or held) a lock file, from what it says: "pid 1234 on host since ..."."""
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"null")
        return f"pid {int(data['pid'])} on {data['host']} since {data['since']}"
    except (OSError, ValueError, TypeError, KeyError):
        return default


# --- the batch ---------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on a terminal; a line every few seconds otherwise."""

    def __init__(self, total: int, stream=sys.stderr, skipped_as: str = "unchanged, skipped") -> None:
        self.total, self.stream, self.done, self.skipped = total, stream, 0, 0
        self.skipped_as = skipped_as
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
        line = (f"[{bar:<{width}}] {self.done}/{self.total} submissions ({self.skipped} {self.skipped_as})"
                f"  {rate * 60:.0f}/min  ETA {eta:.0f} s")
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def grade_batch(submissions: Sequence[Submission], executor: Executor, store: Store, *, options: GradingOptions,
                regrade: bool = False, progress: Progress | None = None) -> list[BatchRow]:
    """Grade every submission whose files or grader changed since ``store`` last saw it (all of
    them with ``regrade``), with ``executor``; every record goes to ``store`` as it arrives.
    Returns one row per submission. Leaves this process's environment as it found it.

    With a store that has them, the store is locked throughout (``locked()``), and a regrade
    resumes the store's unfinished regrade (``begin_regrade()``): it skips what that regrade
    already graded and has not changed since, and ends it (``end_regrade()``) once every
    submission was graded."""
    locked = getattr(store, "locked", None)
    with locked() if locked is not None else contextlib.nullcontext():
        grader = grader_fingerprint(options)
        begin = getattr(store, "begin_regrade", None) if regrade else None
        generation = begin() if begin is not None else ""
        rows: list[BatchRow] = []
        todo: list[Submission] = []
        fingerprints: dict[str, str] = {}
        for submission in submissions:
            fingerprint = submission_fingerprint(submission.folder, options, grader)
            previous = store.previous(submission.student, fingerprint)
            if previous is not None and (not regrade or (generation and previous.regrade == generation)):
                rows.append(previous)
                if progress:
                    progress.update(skipped=True)
            else:
                todo.append(submission)
                fingerprints[submission.student] = fingerprint
        records = executor.grade(todo, options)
        try:
            for record in records:
                rows.append(store.save(record, fingerprints[record.student]))
                if progress:
                    progress.update()
        finally:  # a Ctrl-C while a record is saved stops the executor's work too
            getattr(records, "close", lambda: None)()
        if generation and all(row.scored for row in rows):
            store.end_regrade()
    return rows


MAXIMUM = "(maximum)"  # the student column of the CSV's first row: the points possible


def write_csv(path: Path, rows: Sequence[BatchRow], assignments: Sequence[str]) -> None:
    """A first row of the points possible (student "(maximum)"), then one row per student: one
    column per assignment, a total, a status and its detail. A submission the grader could not
    grade has no scores."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", *assignments, "total", "status", "detail"])
    scored = [row for row in rows if row.scored]
    if scored:
        maxima = [max(row.max_scores.get(a, 0.0) for row in scored) for a in assignments]
        writer.writerow([MAXIMUM, *[f"{m:g}" for m in maxima], f"{sum(maxima):g}", "", "the points possible"])
    else:
        writer.writerow([MAXIMUM, *[""] * len(assignments), "", "", "unknown: no submission was graded"])
    for row in sorted(rows, key=lambda r: r.student):
        status = status_text(row.status)
        if not row.scored:
            writer.writerow([row.student, *[""] * len(assignments), "", status, row.detail])
            continue
        scores = [row.scores.get(a, 0.0) for a in assignments]
        writer.writerow([row.student, *[f"{s:g}" for s in scores], f"{sum(scores):g}", status, row.detail])
    write_atomically(path, buffer.getvalue())
