"""The grader's side of the isolated door: a fork server (:class:`Zygote`) and
:class:`WorkerDoor`, which has the interface of :class:`~autograder.core.door.InProcessDoor`
but runs the student's code in a sandboxed worker process: a fresh one, or one that served the
previous check of the same module without trouble, reset (the module imported afresh from a
fresh copy of its folder, nothing of the earlier check kept).

The grader never imports or runs student code; it only reads the worker's replies, and treats
every byte of them as untrusted (see :mod:`.protocol`). A worker that hangs, crashes, exits,
floods its output or answers nonsense costs the check it served and is killed with everything
it started.
"""

from __future__ import annotations

import atexit
import fcntl
import mmap
import os
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..core.door import (
    _OUTPUT_LIMIT,
    WAITING_SHARE,
    WALL_FACTOR,
    Build,
    Call,
    CallOutcome,
    FunctionTime,
    Handle,
    Made,
    MissingFunction,
    StudentImportError,
    StudentProblem,
    StudentRaised,
    StudentTimeout,
    as_part,
    printed_note,
    relabel,
    time_limit_text,
    waiting_message,
)
from ..core.runner import DoorFactory, GraderError, Limits
from . import protocol, sandbox

GRACE_SECONDS = 2.0  # past the time limit, before the grader kills a worker that ignores its alarm
REUSES = 64  # checks one worker may serve, each with a fresh import of the module and a fresh copy of its folder
# Student code is timed in CPU seconds, which a busy machine does not change; the clock only
# stops code that waits (sleeps, blocks on input or a lock) instead of computing: once the time
# limit has passed on the clock while the worker used under WAITING_SHARE of a CPU, or at the
# latest after WALL_FACTOR times the time limit (the same rule as the in-process door's).
_TICKS = os.sysconf("SC_CLK_TCK")
_TEXT_LIMIT = 20_000


class IsolationError(GraderError):
    """The isolation machinery itself failed (not the student's fault): grading stops."""


@dataclass(frozen=True)
class WorkerLimits:
    memory_bytes: int
    cpu_seconds: float
    processes: int
    output_bytes: int
    reply_bytes: int
    submission_bytes: int


def _clean_env() -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    for name in ("OPENBLAS_CORETYPE",):  # how BLAS runs, not a secret; keeps timings comparable
        if name in os.environ:
            env[name] = os.environ[name]
    return env


class Zygote:
    """A fork server for this grader process; ``close()`` (or exit) stops it."""

    def __init__(self, *, start_timeout: float = 120.0, preload: Sequence[str] = ()) -> None:
        """Start the fork server; it imports NumPy and PyTorch while the grader goes on with its
        own start-up, and is waited for at the first spawn."""
        self.capabilities = sandbox.probe()
        self.scratch = Path(tempfile.mkdtemp(prefix="autograder-"))
        # Workers run as another user when asked (AUTOGRADER_WORKER_USER, root only): they may
        # pass through the scratch folder to their own, and list nothing in it.
        try:
            self.worker_user, self.worker_user_note = sandbox.worker_user()
        except ValueError as error:
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise IsolationError(str(error)) from None
        if self.worker_user:
            self.scratch.chmod(0o711)
        self.preload = tuple(preload)
        env = _clean_env()
        if self.preload:
            env["AUTOGRADER_WORKER_PRELOAD"] = ",".join(self.preload)
        # torch._dynamo makes a cache folder when imported: in the scratch folder, removed at close
        env["TORCHINDUCTOR_CACHE_DIR"] = str(self.scratch / "torch-cache")
        self.executable = sorted({str(Path(p).resolve()) for p in (sys.base_prefix, sys.prefix)}
                                 | set(sandbox.dynamic_loaders()))
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        flags = ["-s"] + (["-P"] if sys.version_info >= (3, 11) else [])
        self.process = subprocess.Popen(
            [sys.executable, *flags, "-m", "autograder.isolation.zygote", str(theirs.fileno()), str(os.getpid())],
            pass_fds=(theirs.fileno(),), env=env, cwd=self.scratch, start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        theirs.close()
        self.control = ours
        self._start_timeout = start_timeout
        self._ready = False
        self.network_isolated = False
        # With a pids cgroup per worker, the cgroup finds everything a worker started; without
        # one, each worker gets a PID namespace of its own instead (one more fork per check).
        self.pid_namespaces = not self.capabilities.pids_cgroup and "pid" in self.capabilities.namespaces
        self._next = 0
        self._dying: list[sandbox.PidsCgroup] = []
        # Doors of several threads (assignments graded side by side) share this fork server:
        # one request on its control channel at a time.
        self._lock = threading.RLock()
        self._live: set[WorkerDoor] = set()  # doors whose worker is running
        self._idle: dict[str, _Idle] = {}  # label -> a worker that served its last check well, waiting for the next
        atexit.register(self.close)

    def wait_ready(self) -> None:
        with self._lock:
            self._wait_ready()

    def _wait_ready(self) -> None:
        if self._ready:
            return
        try:
            hello = self._receive(self._start_timeout)
        except (protocol.ProtocolError, OSError) as error:
            self.close()
            raise IsolationError(f"the worker fork server did not start: {error}") from None
        if not (isinstance(hello, dict) and hello.get("ready") is True):
            self.close()
            raise IsolationError(f"the worker fork server said {hello!r}")
        self.network_isolated = "net" in hello.get("namespaces", [])
        if self.worker_user and "user" in hello.get("namespaces", []):  # a user namespace maps root alone
            self.worker_user = None
            self.worker_user_note = ("workers run as root without capabilities: the fork server runs in a user "
                                     "namespace, where no other user exists")
        self._ready = True

    def _receive(self, timeout: float) -> Any:
        ready, _, _ = select.select([self.control], [], [], timeout)
        if not ready:
            stderr = ""
            if self.process.poll() is not None and self.process.stderr:
                stderr = self.process.stderr.read().decode(errors="replace")[-2000:]
            raise protocol.PeerTimeout(f"no answer from the fork server {stderr}")
        value, fds = protocol.receive_message(self.control)
        for fd in fds:
            os.close(fd)
        return value

    def describe(self) -> str:
        self.wait_ready()
        parts = [self.capabilities.describe()]
        parts.append(self.capabilities.describe_network(self.network_isolated))
        if self.pid_namespaces:
            parts.append("a PID namespace per worker")
        if self.worker_user:
            parts.append(f"workers as uid {self.worker_user[0]}")
        elif self.worker_user_note:
            parts.append(self.worker_user_note)
        return "; ".join(parts)

    def bury(self, cgroup: sandbox.PidsCgroup | None = None) -> None:
        """Remove killed workers' cgroups once their processes are gone, killing any late child
        again; what is not gone yet is tried again at the next call (not waited for now)."""
        with self._lock:
            if cgroup is not None:
                self._dying.append(cgroup)
            alive = []
            for dying in self._dying:
                dying.kill()
                if not dying.remove():
                    alive.append(dying)
            self._dying = alive

    def new_workdir(self, label: str) -> tuple[Path, str]:
        """A fresh scratch folder for one worker, and a unique name for its cgroup."""
        with self._lock:
            self._next += 1
            number = self._next
        workdir = self.scratch / f"{label}-{number}"
        workdir.mkdir(mode=0o700)
        return workdir, f"autograder-{os.getpid()}-{number}"

    def take_idle(self, label: str, module: Path) -> _Idle | None:
        """The idle worker of ``label``, if it served the same module (any other is killed)."""
        with self._lock:
            idle = self._idle.pop(label, None)
        if idle is not None and idle.module != module:
            idle.kill(self)
            return None
        return idle

    def put_idle(self, label: str, idle: _Idle) -> None:
        with self._lock:
            previous, self._idle[label] = self._idle.get(label), idle
        if previous is not None:
            previous.kill(self)

    def kill_idle(self) -> None:
        """Kill the workers waiting for a next check (a submission is graded)."""
        with self._lock:
            idle, self._idle = list(self._idle.values()), {}
        for worker in idle:
            worker.kill(self)

    def kill_workers(self) -> None:
        """Kill every running worker of this fork server at once (grading was interrupted):
        the checks they served end as soon as their doors notice."""
        with self._lock:
            doors = list(self._live)
        for door in doors:
            door.kill_process()

    def spawn(self, *, workdir: Path, module: Path, label: str, seconds: float, limits: WorkerLimits,
              readable: list[str], cgroup: str | None) -> tuple[int, socket.socket]:
        self.wait_ready()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {
            "op": "spawn", "workdir": str(workdir), "module": str(module), "label": label, "seconds": seconds,
            "cgroup": cgroup, "pid_namespace": self.pid_namespaces,
            "landlock": self.capabilities.landlock_abi > 0, "readable": readable, "user": self.worker_user,
            "executable": self.executable,
            "limits": {"memory_bytes": limits.memory_bytes, "cpu_seconds": limits.cpu_seconds,
                       "output_bytes": limits.output_bytes, "processes": limits.processes},
        }
        try:
            with self._lock:
                protocol.send_message(self.control, request, (theirs.fileno(),))
                reply = self._receive(30.0)
        except (protocol.ProtocolError, OSError) as error:
            ours.close()
            raise IsolationError(f"the fork server failed: {error}") from None
        finally:
            theirs.close()
        pid = reply.get("pid") if isinstance(reply, dict) else None
        if not isinstance(pid, int) or pid <= 0:
            ours.close()
            raise IsolationError(f"the fork server could not start a worker: {reply!r}")
        return pid, ours

    def status(self, pid: int, wait: float = 1.0) -> int | None:
        """The wait status of a finished worker (None if not known within ``wait`` seconds)."""
        self.wait_ready()
        try:
            with self._lock:
                protocol.send_message(self.control, {"op": "status", "pid": pid, "wait": wait})
                reply = self._receive(wait + 10)
        except (protocol.ProtocolError, OSError):
            return None
        status = reply.get("status") if isinstance(reply, dict) else None
        return status if isinstance(status, int) else None

    def close(self) -> None:
        if getattr(self, "_idle", None):
            self.kill_idle()
        for _ in range(400):
            if not getattr(self, "_dying", []):
                break
            self.bury()
            time.sleep(0.005)
        process = getattr(self, "process", None)
        if process is not None:
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stderr:
                process.stderr.close()
        if getattr(self, "control", None) is not None:
            self.control.close()
        shutil.rmtree(getattr(self, "scratch", ""), ignore_errors=True)


_zygote: Zygote | None = None


def shared_zygote(preload: Sequence[str] = ()) -> Zygote:
    """One fork server per grader process, started on first use (a new one when a later use
    needs modules the running one has not imported)."""
    global _zygote
    if _zygote is not None and not set(preload) <= set(_zygote.preload):
        _zygote.close()
        _zygote = None
    if _zygote is None or _zygote.process.poll() is not None:
        _zygote = Zygote(preload=preload)
    return _zygote


def _copy_submission(source: Path, target: Path, limit: int) -> None:
    """Copy one assignment folder: regular files and folders only (links are copied as links,
    which the sandbox will not follow outside), at most ``limit`` bytes."""
    total = 0
    for folder, dirs, files in os.walk(source, followlinks=False):
        rel = Path(folder).relative_to(source)
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            path = Path(folder) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                os.symlink(os.readlink(path), target / rel / name)
            elif stat.S_ISREG(info.st_mode):
                total += info.st_size
                if total > limit:
                    raise StudentProblem(f"the submission folder {source.name}/ holds more than {limit >> 20} MB")
                shutil.copyfile(path, target / rel / name, follow_symlinks=False)


def describe_status(status: int | None, limits: WorkerLimits) -> str:
    if status is None:
        return "it stopped (its exit status is unknown)"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        if sig == signal.SIGXCPU:
            return f"it used more than its CPU time limit ({limits.cpu_seconds:g} s) and was stopped"
        if sig == signal.SIGKILL:
            return "it was killed (SIGKILL)"
        if sig == signal.SIGSEGV:
            return "it crashed (segmentation fault; memory limit reached inside a library?)"
        return f"it was killed by {name}"
    if os.WIFEXITED(status):
        return f"it exited with status {os.WEXITSTATUS(status)} (os._exit or a crash in a library)"
    return f"it stopped (status {status})"


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user and system, its waited-for children included) process ``pid`` has
    used, read by the grader from /proc (nothing the student's code can change); None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        fields = data[data.rindex(b")") + 2:].split()
        return sum(int(v) for v in fields[11:15]) / _TICKS
    except (OSError, ValueError):
        return None


def _text(value: Any, limit: int = _TEXT_LIMIT) -> str:
    if not isinstance(value, str):
        raise protocol.ProtocolError("expected a string")
    return value if len(value) <= limit else value[:limit] + f"\n... ({len(value) - limit} more characters)"


class _SharedArguments:
    """Array arguments (also those inside lists, tuples and dicts) placed in one sealed memfd
    (it cannot shrink or grow), each at its own aligned offset: one descriptor per call, however
    many arrays a cache holds."""

    ALIGN = 64

    def __init__(self) -> None:
        self.fds: list[int] = []
        self._arrays: dict[int, tuple[int, np.ndarray]] = {}  # id(SharedArray) -> (offset, original)
        self._size = 0
        self._memory: mmap.mmap | None = None

    def put(self, value: Any) -> Any:
        """``value`` with its arrays replaced by references into the shared memory (call
        ``seal`` once every argument has been put)."""
        if type(value) in (list, tuple):
            return type(value)(self.put(item) for item in value)
        if type(value) is dict:
            return {key: self.put(item) for key, item in value.items()}
        if not isinstance(value, np.ndarray) or value.nbytes == 0 or value.dtype.kind not in "biufc":
            return value
        data = np.ascontiguousarray(value)
        offset = -(-self._size // self.ALIGN) * self.ALIGN
        self._size = offset + data.nbytes
        shared = protocol.SharedArray(offset, data.dtype, data.shape)
        self._arrays[id(shared)] = (offset, data)
        return shared

    def seal(self) -> None:
        """Write every array into a new memfd and seal its size."""
        if not self._arrays:
            return
        fd = os.memfd_create("arguments", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        self.fds.append(fd)
        os.ftruncate(fd, self._size)
        self._memory = mmap.mmap(fd, self._size)
        for offset, data in self._arrays.values():
            target = np.frombuffer(self._memory, dtype=data.dtype, count=data.size, offset=offset)
            target[...] = data.reshape(-1)
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL)

    def after(self, sent: Any, reported: Any) -> Any:
        """What a shared argument holds now, read here from the shared memory (the worker
        reports None for a shared array still in its place, and whatever the student's code put
        there instead otherwise); any other argument as reported."""
        if type(sent) in (list, tuple) and type(reported) is type(sent) and len(reported) == len(sent):
            return type(sent)(self.after(s, r) for s, r in zip(sent, reported))
        if type(sent) is dict and type(reported) is dict and set(reported) == set(sent):
            return {key: self.after(sent[key], reported[key]) for key in sent}
        if isinstance(sent, (Handle, Build)):
            return sent  # what it stands for is on the worker's side; the worker's word is not needed
        if not isinstance(sent, protocol.SharedArray):
            return reported
        offset, original = self._arrays[id(sent)]
        now = np.frombuffer(self._memory, dtype=original.dtype, count=original.size,
                            offset=offset).reshape(original.shape).copy()
        if reported is None or not np.array_equal(now, original, equal_nan=original.dtype.kind in "fc"):
            return now  # the memory tells: unchanged, or changed in place
        return reported  # the memory is intact, but a container now holds something else here

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()
            self._memory = None
        for fd in self.fds:
            os.close(fd)
        self.fds.clear()


def _kill_worker(pid: int | None, cgroup: sandbox.PidsCgroup | None) -> None:
    """SIGKILL a worker, its session and its cgroup."""
    if pid is not None:
        for kill in (os.kill, os.killpg):
            try:
                kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    if cgroup is not None:
        cgroup.kill()


@dataclass
class _Idle:
    """A worker between two checks of the same module: alive, single-threaded, without children,
    with CPU time to spare under its hard limit."""

    module: Path
    pid: int
    sock: socket.socket
    cgroup: sandbox.PidsCgroup | None
    workdir: Path
    served: int

    def kill(self, zygote: Zygote) -> None:
        _kill_worker(self.pid, self.cgroup)
        self.sock.close()
        if self.cgroup is not None:
            zygote.bury(self.cgroup)
        shutil.rmtree(self.workdir, ignore_errors=True)


class WorkerDoor:
    """The door with the student's side in a sandboxed worker. A worker serves the checks of one
    module one after the other while they end well (each check with a fresh import of the
    module, a fresh copy of its folder, a fresh time budget, and none of the objects an earlier
    check left); one that timed out, crashed, left a thread or a process running, or used much
    of its CPU time is killed, and the next check gets a new one."""

    def __init__(self, path: Path | str, *, zygote: Zygote, limits: WorkerLimits, time_limit: float,
                 readable: list[str], label: str = "student", shown_as: Sequence[tuple[str, str]] = ()) -> None:
        self.path = Path(path)
        self.shown_as = tuple(shown_as)
        self.zygote = zygote
        self.readable = readable
        self.limits = limits
        self.time_limit = float(time_limit)
        self.label = label
        self.spent = 0.0  # CPU seconds of the worker while it served requests
        self.timings: dict[str, FunctionTime] = {}
        self.printed = ""  # what the student's code printed in this check (the first characters)
        self.printed_cut = [0, 0]  # and how much more: characters, print calls (as the worker counts them)
        self._released: list[Handle] = []
        self._cgroup: sandbox.PidsCgroup | None = None
        self._pid: int | None = None
        self._sock: socket.socket | None = None
        self._workdir: Path | None = None
        self._broken: StudentProblem | None = None
        self._opened = False
        self._served = 0  # checks this door's worker served before this one

    # -- worker lifecycle ------------------------------------------------------------------------

    def _start(self) -> None:
        idle = self.zygote.take_idle(self.label, self.path)
        if idle is not None and self._resume(idle):
            return
        self._workdir, cgroup_name = self.zygote.new_workdir(self.label)
        copy = self._workdir / "submission" / self.path.parent.name
        _copy_submission(self.path.parent, copy, self.limits.submission_bytes)
        self.zygote.wait_ready()  # which says whether workers may change user here
        if self.zygote.worker_user:  # the folder filled, and no worker started in it yet
            sandbox.give_to(self._workdir, self.zygote.worker_user)
        if self.zygote.capabilities.pids_cgroup:
            self._cgroup = sandbox.PidsCgroup(cgroup_name, self.limits.processes)
        self._pid, self._sock = self.zygote.spawn(
            workdir=self._workdir, module=copy / self.path.name, label=self.label,
            seconds=max(self.time_limit - self.spent, 0.001), limits=self.limits, readable=self.readable,
            cgroup=str(self._cgroup.path) if self._cgroup else None,
        )
        with self.zygote._lock:
            self.zygote._live.add(self)
        try:
            hello = protocol.receive(self._sock, limit=1 << 16, deadline=time.monotonic() + 60)
        except protocol.ProtocolError:
            hello = None
        if hello != {"ready": True}:
            tail = self._output_tail()
            self._kill()
            raise IsolationError(f"a worker could not set up its sandbox: {tail or 'no output'}")

    def _resume(self, idle: _Idle) -> bool:
        """Take over an idle worker for this check: a fresh copy of the folder, then the worker
        drops its module and objects (``reset``). False (the worker killed) if that fails."""
        self._pid, self._sock, self._cgroup, self._workdir = idle.pid, idle.sock, idle.cgroup, idle.workdir
        self._served = idle.served + 1
        with self.zygote._lock:
            self.zygote._live.add(self)
        try:
            folder = self._workdir / "submission"
            shutil.rmtree(folder)
            _copy_submission(self.path.parent, folder / self.path.parent.name, self.limits.submission_bytes)
            protocol.send(self._sock, {"op": "reset", "seconds": self.time_limit})
            ready = protocol.receive(self._sock, limit=1 << 16, deadline=time.monotonic() + 10) == {"ok": True}
        except (OSError, StudentProblem, protocol.ProtocolError):
            ready = False
        if not ready:
            self._kill()
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._pid = self._sock = self._workdir = None
            self._served = 0
        return ready

    def _reusable(self) -> bool:
        """Whether the worker may serve the module's next check: it served this one without
        failing, runs nothing else (one thread, no process of its own) and has CPU time to spare
        under its hard limit for a whole check."""
        if self._sock is None or self._broken is not None or not self._opened or self._served + 1 >= REUSES:
            return False
        if self.zygote.worker_user:  # its folder is its user's: never refilled by root while it lives
            return False
        used = self._cpu()
        if used is None or used > self.limits.cpu_seconds - self.time_limit - GRACE_SECONDS - 1:
            return False
        try:
            with open(f"/proc/{self._pid}/status") as status:
                if "\nThreads:\t1\n" not in status.read():
                    return False
            with open(f"/proc/{self._pid}/task/{self._pid}/children") as children:
                if children.read().strip():
                    return False
        except OSError:
            return False
        return self._cgroup is None or self._cgroup.pids() == [self._pid]

    def kill_process(self) -> None:
        """SIGKILL the worker and its session (from any thread; the door's channel stays open,
        so that the thread using it hears the worker end)."""
        _kill_worker(self._pid, self._cgroup)

    def _kill(self) -> None:
        """Kill the worker and everything it started (its PID namespace dies with it; its cgroup
        and its session are swept as well, for machines without namespaces)."""
        self.kill_process()
        with self.zygote._lock:
            self.zygote._live.discard(self)
        if self._cgroup is not None:
            self._cgroup.kill()
            self.zygote.bury(self._cgroup)
            self._cgroup = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _output_tail(self, limit: int = 2000) -> str:
        try:
            fd = os.open(self._workdir / "output.txt", os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except (OSError, TypeError):  # gone, or replaced by a link (to a file only the grader may read)
            return ""
        try:
            with os.fdopen(fd, "rb") as output:
                data = output.read()[-limit:]
        except OSError:
            return ""
        return data.decode(errors="replace").strip()

    def _fail(self, problem: StudentProblem) -> StudentProblem:
        self._broken = problem
        self._kill()
        return problem

    def _cpu(self) -> float | None:
        return cpu_seconds(self._pid) if self._pid is not None else None

    def _await_reply(self, remaining: float, cpu_before: float | None, what: str, function: str | None) -> None:
        """Wait until the worker's reply starts; raise StudentTimeout when
        it used up the CPU time left, or waited instead of computing (see WALL_FACTOR)."""
        started = time.monotonic()
        poller = select.poll()
        poller.register(self._sock, select.POLLIN | select.POLLERR | select.POLLHUP)
        limit = time_limit_text(self.time_limit, True)
        while not poller.poll(250):
            elapsed = time.monotonic() - started
            now = self._cpu()
            used = now - cpu_before if now is not None and cpu_before is not None else 0.0
            if used > remaining + GRACE_SECONDS:  # the student's code swallowed the worker's alarm
                raise StudentTimeout(f"{what} did not finish within the time limit ({limit}) and was stopped.",
                                     function=function)
            if elapsed > remaining + GRACE_SECONDS and (used < WAITING_SHARE * elapsed
                                                         or elapsed > WALL_FACTOR * remaining + GRACE_SECONDS):
                raise StudentTimeout(waiting_message(what, elapsed, used), function=function)

    def _request(self, message: dict, what: str, fds: tuple[int, ...] = (), function: str | None = None,
                 timed: Sequence[str] = ()) -> dict:
        """Send one request and return its reply; the worker's CPU time for it goes to ``spent``
        and, shared evenly, to the ``timed`` functions' timings."""
        if self._broken is not None:
            raise self._broken
        remaining = self.time_limit - self.spent
        if remaining <= 0:
            raise StudentTimeout(f"{what}: out of time (the limit is {time_limit_text(self.time_limit, True)}).",
                                 function=function)
        started = time.monotonic()
        cpu_before = self._cpu()

        def spent() -> None:
            now = self._cpu()
            seconds = (now - cpu_before if now is not None and cpu_before is not None
                       else time.monotonic() - started)
            self.spent += seconds
            for name in timed:
                self.timings.setdefault(name, FunctionTime()).add(seconds / len(timed))

        try:
            try:
                self._sock.settimeout(WALL_FACTOR * remaining + GRACE_SECONDS)
                protocol.send(self._sock, message, fds)
                self._sock.settimeout(None)
                self._await_reply(remaining, cpu_before, what, function)
                reply = protocol.receive(self._sock, limit=self.limits.reply_bytes,
                                         deadline=time.monotonic() + WALL_FACTOR * remaining + GRACE_SECONDS)
            finally:
                spent()
        except StudentTimeout as timeout:
            raise self._fail(timeout) from None
        except (protocol.PeerTimeout, socket.timeout):
            raise self._fail(StudentTimeout(
                f"{what} did not finish within the time limit ({time_limit_text(self.time_limit, True)}) and was "
                "stopped.", function=function)) from None
        except (protocol.PeerClosed, BrokenPipeError, ConnectionResetError):
            status = self.zygote.status(self._pid)
            tail = self._output_tail()
            raise self._fail(self._relabel(StudentProblem(
                f"{what}: the worker process running your code ended: {describe_status(status, self.limits)}.",
                f"Its last output:\n{tail}" if tail else "", function=function))) from None
        except protocol.ProtocolError as error:
            raise self._fail(StudentProblem(f"{what}: the worker sent an invalid reply ({error}); your code may "
                                            "have written to the grader's channel or replaced the worker's code.",
                                            function=function)) from None
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            raise self._fail(StudentProblem(f"{what}: the worker sent an invalid reply.", function=function))
        cut = reply.get("printed_cut")
        if isinstance(cut, list) and len(cut) == 2 and all(type(n) is int and n >= 0 for n in cut):
            self.printed_cut = cut
        if not reply["ok"]:
            problem = _problem_from(reply, what, self.path.name)
            if problem.function is None:
                # the function the worker names, if the request called it (its word is taken no further)
                problem.function = reply.get("at") if reply.get("at") in timed else function
            if isinstance(problem, StudentTimeout):  # the check's time is up: its worker goes with it
                raise self._fail(self._relabel(problem))
            raise self._relabel(problem)
        return reply

    def _relabel(self, problem: StudentProblem) -> StudentProblem:
        """The submission's own paths in messages, not the worker's scratch copy (which differs
        on every run), then the names the grader gave (``shown_as``)."""
        scratch = [(str(self._workdir / "submission"), str(self.path.parent.parent))] if self._workdir else []
        return relabel(problem, [*scratch, *self.shown_as])

    # -- the door's interface --------------------------------------------------------------------

    def open(self) -> None:
        if self._opened:
            return
        if self._sock is None and self._broken is None:
            try:
                self._start()
            except StudentProblem as problem:
                raise self._fail(StudentImportError(problem.message)) from None
        try:
            self._request({"op": "open"}, f"importing {self.path.name}")
        except StudentImportError:
            raise
        except StudentTimeout as timeout:
            raise StudentImportError(f"importing {self.path.name} did not finish in time.", timeout.details,
                                     cause="timed_out") from None
        except StudentProblem as problem:
            raise StudentImportError(f"{self.path.name} could not be imported: {problem.message}", problem.details,
                                     cause="crashed" if problem.kind == "crashed" else "raised") from None
        self._opened = True

    def printed_note(self) -> str:
        return printed_note(self.printed, *self.printed_cut)

    def has(self, function: str) -> bool:
        self.open()
        value = self._request({"op": "has", "function": function}, function, function=function).get("value")
        return value is True

    def call(self, function: str, *args: Any, **kwargs: Any) -> CallOutcome:
        return self.call_keeping(function, (), *args, **kwargs)

    def release(self, handles: Sequence[Handle]) -> None:
        """Forget kept objects: said to the worker with the next request."""
        self._released.extend(handles)

    def call_keeping(self, function: str, keep: Sequence[int], *args: Any, **kwargs: Any) -> CallOutcome:
        return self._call_all([Call(function, args, kwargs, tuple(keep))], single=True)[0]

    def call_each(self, calls: Sequence[tuple[str, Sequence[Any]] | Call | Made]) -> list[CallOutcome]:
        """``InProcessDoor.call_each`` in the worker: the whole batch in one request."""
        return self._call_all([as_part(part) for part in calls]) if calls else []

    def _call_all(self, calls: list[Call | Made], single: bool = False) -> list[CallOutcome]:
        self.open()
        functions = [part.function for part in calls if isinstance(part, Call)]
        function = functions[0] if len(set(functions)) == 1 else None
        shared = _SharedArguments()
        try:
            parts = [_request_part(part, shared) for part in calls]
            message = {"op": "call", **parts[0]} if single else {"op": "calls", "calls": parts}
            message["release"], self._released = self._released, []
            shared.seal()
            what = ", ".join(dict.fromkeys(functions)) or "building " + ", ".join(
                dict.fromkeys(part.recipe.kind for part in calls))
            reply = self._request(message, what, tuple(shared.fds), function=function, timed=functions)
            replies = [reply] if single else reply.get("outcomes")
            if not isinstance(replies, list) or len(replies) != len(parts):
                raise self._fail(StudentProblem(f"{functions[0]}: the worker sent an invalid reply (outcomes).",
                                                function=function))
            return [self._outcome(part, answer, shared) for part, answer in zip(parts, replies)]
        finally:
            shared.close()

    def _outcome(self, sent: dict, reply: Any, shared: _SharedArguments) -> CallOutcome:
        """One call's outcome from its part of a reply, every field checked."""
        function = sent["function"] if "function" in sent else f"building {sent['build'].kind}"
        sent = {"args": sent.get("args", []), "kwargs": sent.get("kwargs", {})}
        try:
            if not isinstance(reply, dict):
                raise protocol.ProtocolError("outcome")
            # A field left out holds nothing (see the worker's _reply_of): no argument to
            # report, no warning, nothing printed, the global random state untouched.
            args_after = reply.get("args_after", (None,) * len(sent["args"]))
            kwargs_after = reply.get("kwargs_after", dict.fromkeys(sent["kwargs"]))
            if not isinstance(args_after, tuple) or len(args_after) != len(sent["args"]):
                raise protocol.ProtocolError("args_after")
            if not isinstance(kwargs_after, dict) or set(kwargs_after) != set(sent["kwargs"]):
                raise protocol.ProtocolError("kwargs_after")
            # The arrays as the student's code left them, read from the shared memory by the
            # grader itself: what the worker says about them is not taken on trust. A number or
            # a string the grader sent is what it sent: no call can change it for its caller.
            args_after = tuple(_argument_after(shared, a, reported) for a, reported in zip(sent["args"], args_after))
            kwargs_after = {k: _argument_after(shared, sent["kwargs"][k], v) for k, v in kwargs_after.items()}
            notes = reply.get("warnings", [])
            if not isinstance(notes, list):
                raise protocol.ProtocolError("warnings")
            seconds = reply.get("seconds", 0.0)
            printed = _text(reply.get("printed", ""))
            if len(self.printed) < _OUTPUT_LIMIT:
                self.printed = (self.printed + printed)[:_OUTPUT_LIMIT]
            return CallOutcome(
                function=function, value=reply["value"], args_after=args_after, kwargs_after=kwargs_after,
                warnings=tuple(_text(n, 500) for n in notes[:50]), printed=printed,
                seconds=float(seconds) if isinstance(seconds, (int, float)) else 0.0,
                global_rng_changed=reply.get("global_rng_changed", False) is not False,
            )
        except (KeyError, protocol.ProtocolError) as error:
            raise self._fail(StudentProblem(f"{function}: the worker sent an invalid reply ({error}).",
                                            function=function)) from None

    def build(self, recipe: Build) -> Any:
        """``InProcessDoor.build`` in the worker."""
        self.open()
        reply = self._request({"op": "build", "recipe": recipe}, f"building {recipe.kind}")
        try:
            return reply["value"]
        except KeyError:
            raise self._fail(StudentProblem(f"building {recipe.kind}: the worker sent an invalid reply.")) from None

    def close(self) -> None:
        if self._reusable():
            with self.zygote._lock:
                self.zygote._live.discard(self)
            self.zygote.put_idle(self.label, _Idle(self.path, self._pid, self._sock, self._cgroup, self._workdir,
                                                   self._served))
            self._pid = self._sock = self._cgroup = self._workdir = None
            return
        self._kill()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None


def _request_part(part: Call | Made, shared: _SharedArguments) -> dict:
    """A call (or recipe) of a request; fields at their defaults left out (no keyword arguments,
    nothing kept, the value sent back)."""
    if isinstance(part, Made):
        return {"build": part.recipe} if part.send else {"build": part.recipe, "send": False}
    message: dict[str, Any] = {"function": part.function, "args": [shared.put(a) for a in part.args]}
    if part.kwargs:
        message["kwargs"] = {k: shared.put(v) for k, v in part.kwargs.items()}
    if part.keep:
        message["keep"] = [int(i) for i in part.keep]
    if not part.send:
        message["send"] = False
    return message


def _argument_after(shared: _SharedArguments, sent: Any, reported: Any) -> Any:
    if reported is None and (sent is None or isinstance(sent, (bool, int, float, complex, str, np.generic))):
        return sent
    return shared.after(sent, reported)


def _problem_from(reply: dict, what: str, module: str | None = None) -> StudentProblem:
    """The exception a worker's failure reply stands for (every field checked)."""
    try:
        kind = reply.get("kind")
        message, details = _text(reply["message"], 4000), _text(reply["details"])
        if kind == "raised":
            types = reply["exc_types"]
            if not (isinstance(types, list) and types and all(isinstance(t, str) for t in types)):
                raise protocol.ProtocolError("exc_types")
            origin = reply.get("origin")
            if origin is not None:
                if not (isinstance(origin, list) and len(origin) == 3 and isinstance(origin[0], str)
                        and isinstance(origin[1], str) and isinstance(origin[2], int)):
                    raise protocol.ProtocolError("origin")
                origin = (origin[0][:200], origin[1][:200], origin[2])
            return StudentRaised(_text(reply["function"], 200), tuple(t[:200] for t in types[:64]),
                                 _text(reply["exc_message"], 4000), details, origin, module)
        if kind == "timeout":
            return StudentTimeout(message, details)
        if kind == "import":  # what the worker says of its cause is taken as far as the status shown
            return StudentImportError(message, details, cause="timed_out" if reply.get("cause") == "timed_out"
                                      else "raised")
        if kind == "missing":
            return MissingFunction(message, details)
        # A problem of another kind: student code raised while the worker built an object, a
        # call's result lacked what the next call of a batch needed, or the worker could not go
        # on. What the (untrusted) worker claims is kept to these three.
        kind = reply.get("failure")
        return StudentProblem(message, details, kind=kind if kind in ("raised", "wrong_type") else "crashed")
    except (KeyError, TypeError, protocol.ProtocolError):
        return StudentProblem(f"{what}: the worker sent an invalid reply.")


def worker_doors(limits: Limits, protected: list[Path], preload: Sequence[str] = (),
                 shown_as: Sequence[tuple[str, str]] = ()) -> DoorFactory:
    """A door factory for the runner: every check gets a fresh sandboxed worker (forked from a
    server that has imported ``preload`` too). ``shown_as`` renames paths in messages (see
    :func:`~autograder.core.door.relabel`)."""
    zygote = shared_zygote(preload)
    readable = sandbox.readable_roots(list(protected) + [zygote.scratch])
    worker_limits = WorkerLimits(
        memory_bytes=limits.memory_bytes, cpu_seconds=limits.check_cpu_seconds, processes=limits.processes,
        output_bytes=limits.output_bytes, reply_bytes=limits.reply_bytes, submission_bytes=limits.submission_bytes,
    )

    def open_door(path: Path, time_limit: float, label: str) -> WorkerDoor:
        return WorkerDoor(path, zygote=zygote, limits=worker_limits, time_limit=time_limit, readable=readable,
                          label=label, shown_as=shown_as)

    open_door.capabilities = zygote.capabilities  # type: ignore[attr-defined]
    open_door.kill_workers = zygote.kill_workers  # type: ignore[attr-defined]
    open_door.finish = zygote.kill_idle  # type: ignore[attr-defined]
    return open_door
