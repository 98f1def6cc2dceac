"""Grading a class on a Ray cluster: ``grade-batch SUBMISSIONS_DIR --cluster ADDRESS``.

:class:`RayCluster` is an :class:`~autograder.batch.Executor`: one Ray task per submission. The
task carries the submission's files (nodes share no file system) and the chosen references as
data, unpacks them in a temporary folder of the node that runs it, and grades there with the
one grading function (:func:`~autograder.batch.grade_job`): the node's own fork server and
sandboxed workers run the student's code, never the Ray worker itself. It sends the record
back with the head's paths in it, so that the head writes exactly what a local batch writes.

Faults: Ray runs a task again when its worker or node dies (``max_retries``; a student's error
is a grade, never retried). A task past its wall-clock limit is cancelled and scores 0, its
checks "not run". A node that cannot sandbox student code (no Landlock) refuses its tasks
unless ``allow_weak_nodes``; a node whose grader differs from the head's (another version of
this package) refuses them too. The results folder makes an interrupted batch resume, as
locally. Ray is an optional dependency (the ``cluster`` extra), imported only here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from . import paths
from .batch import Submission, _hash_tree, _initialise_process, grade_job
from .core.results import BUDGET_USED, Failure, SubmissionRecord
from .core.runner import GraderError, result_without_running
from .grading import GradingOptions, UsageError
from .submission import locate

__all__ = ["RAY_VERSION", "ClusterError", "RayCluster", "import_ray", "pack_folder", "unpack_folder"]

RAY_VERSION = "2.58.0"  # the version pinned by the ``cluster`` extra (pyproject.toml)
INSTALL = 'pip install "dl-autograder[cluster]" (or, in a clone, pip install -e ".[cluster]")'
WHOLE_BELOW = 1 << 20  # files not graded and not candidates are sent whole below this size, else empty


class ClusterError(GraderError):
    """The cluster cannot be used: Ray is missing, the address does not answer."""


def import_ray():
    """Ray, or a :class:`ClusterError` that says how to install it."""
    try:
        import ray
    except ImportError as error:
        raise ClusterError(f"grading on a cluster needs Ray, which is not installed ({error}): {INSTALL}, on this "
                           "machine and on every node") from None
    return ray


# --- a folder as data ----------------------------------------------------------------------------


def pack_folder(folder: Path, whole: Sequence[Path] = (), *, limit: int = 100 << 20, graded_limit: int | None = None,
                whole_below: int = WHOLE_BELOW, others_limit: int = 16 << 20, most: int = 20_000) -> list[list]:
    """``folder``'s entries as data, ``[relative path, kind, data]``: kind "dir", "link" (links as
    links, never followed), "file" (its bytes) or "sized" (only its size: made on the node as a
    file of that size, all zeros); ``__pycache__`` left out, and everything past ``most`` entries.

    What is graded (files under ``whole``) is sent whole, ``graded_limit`` bytes of it at most
    (default ``limit``): past that, and for a file larger than ``limit``, its size only, which is
    all the grader looks at before it refuses a folder too big to grade (as it does locally).
    Other ``.py`` and ``.ipynb`` files (candidates for a module) whole below ``limit``, sized
    above; other files whole below
    ``whole_below`` bytes while they add up to less than ``others_limit``, else empty: their
    names still count when the module is looked for, their contents never."""
    folder = Path(folder)
    whole = [Path(p) for p in whole]
    entries: list[list] = []
    sent = {"graded": 0, "others": 0}
    graded_limit = limit if graded_limit is None else graded_limit
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        here = Path(root)
        for name in dirs:
            path = here / name
            if path.is_symlink():  # os.walk lists a link to a folder among the folders
                entries.append([path.relative_to(folder).as_posix(), "link", os.readlink(path)])
            else:
                entries.append([path.relative_to(folder).as_posix(), "dir", b""])
        for name in sorted(names):
            path = here / name
            rel = path.relative_to(folder).as_posix()
            try:
                info = path.lstat()
                if stat.S_ISLNK(info.st_mode):
                    entries.append([rel, "link", os.readlink(path)])
                elif stat.S_ISREG(info.st_mode):
                    entries.append([rel, *_file_entry(path, info.st_size, whole, sent, (limit, graded_limit),
                                                      whole_below, others_limit)])
            except OSError:  # unreadable here: unreadable there (it is not sent)
                continue
        if len(entries) > most:
            return entries[:most]
    return entries


def _file_entry(path: Path, size: int, whole: list[Path], sent: dict, limits: tuple[int, int], whole_below: int,
                others_limit: int) -> list:
    limit, graded_limit = limits
    graded = any(path == p or path.is_relative_to(p) for p in whole)
    if graded or path.suffix in (".py", ".ipynb"):
        budget = "graded" if graded else "others"
        if size > limit or (graded and sent["graded"] + size > graded_limit):
            return ["sized", size]
        sent[budget] += size
        return ["file", path.read_bytes()]
    if size < whole_below and sent["others"] + size < others_limit:
        sent["others"] += size
        return ["file", path.read_bytes()]
    return ["file", b""]


def unpack_folder(entries: Sequence[Sequence], target: Path) -> Path:
    """Make ``target`` hold what :func:`pack_folder` packed. Refuses (:class:`GraderError`) a
    path that leaves it, or that goes through a link or over an entry already there."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for rel, kind, data in entries:
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or ".." in parts or "." in parts:
            raise GraderError(f"a packed path leaves its folder: {rel!r}")
        here = target
        for part in parts[:-1]:  # every folder on the way: made here, never a link
            here = here / part
            if here.is_symlink() or (here.exists() and not here.is_dir()):
                raise GraderError(f"a packed path leaves its folder through a link: {rel!r}")
            here.mkdir(exist_ok=True)
        path = here / parts[-1]
        if kind == "dir":
            if path.is_symlink():
                raise GraderError(f"a packed path leaves its folder through a link: {rel!r}")
            path.mkdir(exist_ok=True)
        elif kind == "link":
            os.symlink(data, path)
        else:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as file:
                if kind == "sized":
                    file.truncate(int(data))
                else:
                    file.write(data)
    return target


def package_digest() -> str:
    """The grader's own code (checks, core, expected numbers): head and nodes must agree."""
    digest = hashlib.sha256()
    _hash_tree(digest, paths.PACKAGE)
    return digest.hexdigest()


# --- on a node -----------------------------------------------------------------------------------


class NodeRefused(GraderError):
    """This node will not grade: it cannot sandbox student code, or runs another grader."""


_node_checked: dict[str, str] = {}  # per Ray worker process: what was found, to check only once


def node_name() -> str:
    """The node this runs on: its host, address and Ray node id (several nodes may share a host)."""
    try:
        address = socket.gethostbyname(socket.gethostname())
    except OSError:
        address = "?"
    try:
        import ray

        node = f", Ray node {ray.get_runtime_context().get_node_id()[:8]}"
    except Exception:  # not in a Ray worker
        node = ""
    return f"{socket.gethostname()} ({address}{node})"


def _check_node(package: str, options: GradingOptions, allow_weak: bool) -> str:
    """What the node's sandbox offers (its description); raises :class:`NodeRefused`."""
    if "package" not in _node_checked:
        _node_checked["package"] = package_digest()
    if _node_checked["package"] != package:
        raise NodeRefused(f"node {node_name()} runs another version of the grader than the head "
                          f"({paths.PACKAGE}): install the same version of this package on every node")
    if not options.isolated:
        return "student code ran inside the grader (not isolated)"
    from .isolation import sandbox

    if "isolation" not in _node_checked:
        capabilities = sandbox.probe()
        _node_checked["isolation"] = capabilities.describe()
        _node_checked["weak"] = "weak" if capabilities.weak else ""
    if _node_checked["weak"] and not allow_weak:
        raise NodeRefused(f"node {node_name()} cannot sandbox student code ({_node_checked['isolation']}): it refuses "
                          "to grade. Grade on nodes with Landlock (Linux 5.13 and up, enabled), or pass "
                          "--allow-weak-nodes to grade there all the same")
    return _node_checked["isolation"]


NODE_PREFIX = "autograder-node-"


def _clear_leftovers() -> None:
    """Remove the folders of tasks whose Ray worker was killed (cancelled, or its node's
    worker died): their own clean-up never ran. Each folder is named after its worker's pid."""
    for path in Path(tempfile.gettempdir()).glob(f"{NODE_PREFIX}*"):
        try:
            pid = int(path.name[len(NODE_PREFIX):].split("-", 1)[0])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (ValueError, OSError):
            continue


def grade_on_node(student: str, name: str, shown: str, files: list, references: dict, options: GradingOptions,
                  package: str, allow_weak: bool) -> dict:
    """A Ray task: grade one submission (``files``, from the head's folder ``shown``, whose last
    part is ``name``) with ``references`` ({assignment: packed folder}); its record as JSON with
    the head's paths, and where it ran. The submission and the references are unpacked in two
    folders of random names, apart: no link in a submission can lead to the references."""
    _initialise_process()
    isolation = _check_node(package, options, allow_weak)
    _clear_leftovers()
    prefix = f"{NODE_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=prefix) as scratch, tempfile.TemporaryDirectory(prefix=prefix) as refs:
        folder = unpack_folder(files, Path(scratch) / name)
        solutions = Path(refs) / "solutions"
        for assignment, packed in references.items():
            unpack_folder(packed, solutions / assignment)
        record = grade_job(Submission(student, folder), replace(options, solutions=solutions))
    text = json.dumps(record)
    for here, there in ((folder.resolve(), shown), (folder, shown), (solutions.resolve(), options.solutions),
                        (solutions, options.solutions)):  # the node's copies by the head's own paths
        text = text.replace(json.dumps(str(here))[1:-1], json.dumps(str(there))[1:-1])  # as in JSON strings
    record = json.loads(text)
    record["folder"] = shown
    return {"record": record, "node": node_name(), "isolation": isolation}


# --- on the head ---------------------------------------------------------------------------------


@dataclass
class _Running:
    submission: Submission
    started: float


class RayCluster:
    """Grades on the Ray cluster at ``address`` ("local": a Ray instance started on this machine
    for the batch, with ``local_cpus`` CPUs). ``task_seconds``: the wall-clock time a task may
    take from when it is handed to Ray (at most one task per CPU of the cluster is handed at a
    time, so it starts at once); default twice the submission's time budget plus 5 minutes.
    ``max_retries``: how often a task whose worker or node died is run again."""

    def __init__(self, address: str, *, local_cpus: int | None = None, task_seconds: float | None = None,
                 max_retries: int = 3, allow_weak_nodes: bool = False, log=sys.stderr) -> None:
        if not address:
            raise UsageError("--cluster needs an address (HOST:PORT, ray://HOST:PORT, or local)")
        if task_seconds is not None and not task_seconds > 0:
            raise UsageError(f"--task-time must be positive, got {task_seconds:g}")
        if max_retries < 0:
            raise UsageError(f"max_retries must be at least 0, got {max_retries}")
        self.address, self.local_cpus, self.task_seconds = address, local_cpus, task_seconds
        self.max_retries, self.allow_weak_nodes, self.log = max_retries, allow_weak_nodes, log
        self.nodes: dict[str, str] = {}  # node -> what its sandbox offers, for every node that graded
        self.described = ""
        self.refusals: set[str] = set()
        self._interrupted = False

    # -- connecting -----------------------------------------------------------------------------

    def connect(self) -> str:
        """Join the cluster (once); what it has ("2 node(s), 4 CPU(s)")."""
        if self.described:
            return self.described
        ray = import_ray()
        kwargs = {"log_to_driver": False, "logging_level": logging.ERROR}
        if self.address == "local":
            kwargs.update(address="local", num_cpus=self.local_cpus or os.cpu_count() or 1,
                          object_store_memory=200 << 20, include_dashboard=False)
        else:
            _answers(self.address)
            kwargs.update(address=self.address)
        try:
            ray.init(**kwargs)
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise ClusterError(f"cannot reach the Ray cluster at {self.address}: {_first_line(error)} (start one with "
                               "`ray start --head`, and check the address: HOST:PORT of the head)") from None
        if not ray.cluster_resources().get("CPU", 0):
            ray.shutdown()
            raise ClusterError(f"the Ray cluster at {self.address} has no CPU to grade on (a head started with "
                               "--num-cpus=0 and no other node yet): add nodes with `ray start --address=HEAD:PORT`")
        self.described = self._describe(ray)
        return self.described

    def close(self) -> None:
        """Leave the cluster (a local instance ends)."""
        if self.described:
            import_ray().shutdown()
            self.described = ""

    @staticmethod
    def _describe(ray) -> str:
        nodes = [n for n in ray.nodes() if n.get("Alive")]
        cpus = ray.cluster_resources().get("CPU", 0)
        return f"{len(nodes)} node(s), {cpus:g} CPU(s)"

    @staticmethod
    def _slots(ray) -> int:
        """Tasks handed to Ray at a time: one per CPU of the cluster (nodes may join meanwhile)."""
        return max(1, int(ray.cluster_resources().get("CPU", 1)))

    # -- grading --------------------------------------------------------------------------------

    def grade(self, submissions: Sequence[Submission], options: GradingOptions) -> Iterator[SubmissionRecord]:
        running: dict = {}
        # A Ctrl-C is noted and acted on in this loop (at least once a second): raised inside
        # Ray's own calls, it was sometimes lost, and the batch went on to the end.
        self._interrupted = False
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, self._note_interrupt)
        try:
            if submissions:
                self.connect()
                for record in self._grade(import_ray(), submissions, options, running):
                    self._stop_if_interrupted()
                    yield record
                    self._stop_if_interrupted()
        finally:  # Ctrl-C, an error, or the caller stopped early: leaving the cluster ends the batch's
            self.close()  # tasks (Ray kills a driver's tasks when it goes; cancelling each raced in Ray)
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    def _note_interrupt(self, signum, frame) -> None:
        self._interrupted = True

    def _stop_if_interrupted(self) -> None:
        if self._interrupted:
            self._interrupted = False
            raise KeyboardInterrupt

    def _grade(self, ray, submissions, options, running) -> Iterator[SubmissionRecord]:
        limit = self.task_seconds or 2 * options.limits.submission_seconds + 300
        task = ray.remote(grade_on_node).options(num_cpus=1, max_retries=self.max_retries, retry_exceptions=False)
        references = ray.put({name: pack_folder(options.solutions / name, [options.solutions / name],
                                                limit=1 << 62, whole_below=1 << 62, others_limit=1 << 62)
                              for name in options.assignments if (options.solutions / name).is_dir()})
        package = package_digest()
        queue = deque(submissions)
        while queue or running:
            if queue and len(running) < self._slots(ray):
                while queue and len(running) < self._slots(ray):
                    submission = queue.popleft()
                    files = pack_folder(submission.folder, _graded_inputs(submission.folder, options),
                                        limit=options.limits.submission_bytes,
                                        graded_limit=options.limits.submission_bytes * len(options.assignments))
                    ref = task.remote(submission.student, submission.folder.name, str(submission.folder), files,
                                      references, options, package, self.allow_weak_nodes)
                    running[ref] = _Running(submission, time.monotonic())
            nearest = min(r.started for r in running.values()) + limit
            ready, _ = ray.wait(list(running), num_returns=1, timeout=max(0.0, min(1.0, nearest - time.monotonic())),
                                fetch_local=False)
            self._stop_if_interrupted()
            if ready:
                ready, _ = ray.wait(list(running), num_returns=len(running), timeout=0, fetch_local=False)
            for ref in ready:
                yield self._record(ray, ref, running.pop(ref).submission, options)
            now = time.monotonic()
            for ref, run in list(running.items()):
                if now - run.started > limit and not ray.wait([ref], timeout=0, fetch_local=False)[0]:
                    with contextlib.suppress(Exception):
                        ray.cancel(ref, force=True)
                    del running[ref]
                    yield cancelled_record(run.submission, options, limit)

    def _record(self, ray, ref, submission: Submission, options: GradingOptions) -> SubmissionRecord:
        try:
            reply = ray.get(ref)
        except ray.exceptions.RayTaskError as error:  # the task raised (not retried): the node refused, or a bug
            cause = getattr(error, "cause", None) or error
            message = str(cause) if isinstance(cause, GraderError) else f"the grader failed on the cluster: {cause!r}"
            if isinstance(cause, NodeRefused) and message not in self.refusals:  # at once, not only at the end
                self.refusals.add(message)
                print(f"warning: {message}", file=self.log, flush=True)
            return SubmissionRecord(submission.student, str(submission.folder), options.assignments, error=message)
        except Exception as error:  # the worker or node died more often than it is retried, or the task was lost
            return SubmissionRecord(submission.student, str(submission.folder), options.assignments,
                                    error=f"the cluster lost its task ({type(error).__name__}: {_first_line(error)}), "
                                          f"after {self.max_retries} retries")
        self.nodes.setdefault(reply["node"], reply["isolation"])
        return SubmissionRecord.from_json(reply["record"])


def _answers(address: str, seconds: float = 5.0) -> None:
    """Raise a :class:`ClusterError` at once when nothing listens at ``address`` (HOST:PORT or
    ray://HOST:PORT): Ray itself would try again for minutes. Other forms ("auto") go to Ray."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=seconds).close()
    except OSError as error:
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {error.strerror or error} (is its head "
                           "started? `ray start --head --port=PORT` on the head machine; the address is HOST:PORT "
                           "of the head)") from None


def _graded_inputs(folder: Path, options: GradingOptions) -> list[Path]:
    location = locate(folder, options.assignments)
    return [path for name in location.files for path in location.inputs(name)]


def cancelled_record(submission: Submission, options: GradingOptions, limit: float) -> SubmissionRecord:
    """A submission whose task ran past ``limit`` seconds: every check scores 0, not run."""
    failure = Failure("not_run", f"{BUDGET_USED}: grading it on the cluster took more than {limit:g} s of the "
                                 "clock, and was cancelled.")
    results = [result_without_running(check, failure) for name in options.assignments for check in options.checks(name)]
    location = locate(submission.folder, options.assignments)
    return SubmissionRecord(submission.student, str(submission.folder), options.assignments, results,
                            limit, located=location.located)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
