"""The fork server: a clean process with NumPy and PyTorch imported that forks the sandboxed
workers (one serves the checks of one module while they end well), so no check pays for
``import torch``.

It never imports the grader's checks, the reference solutions or anything student-written, so
a worker forked from it holds none of them in memory. Started by
:class:`autograder.isolation.client.Zygote` as ``python -m autograder.isolation.zygote FD``
where FD is its end of a Unix socket to the grader. Requests on that socket:

- ``{"op": "spawn", ...}`` with the worker's socket end attached (SCM_RIGHTS): fork a worker in
  new PID and network namespaces, confined (see :mod:`.sandbox`); reply ``{"pid": ...}``.
- ``{"op": "status", "pid": P}``: how worker P ended (waits up to a second for it).
"""

from __future__ import annotations

import gc
import os
import select
import signal
import socket
import sys
import time

# What every worker needs, imported once here: NumPy, PyTorch when installed, and the worker.
import numpy  # noqa: F401

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - PyTorch is a dependency; stay useful without it
    torch = None

from . import protocol, sandbox
from .worker import serve

# Modules the grader asked for (Suite.worker_preload), e.g. torch._dynamo, which PyTorch's
# optimisers import on first use: once here rather than in every worker.
for _name in filter(None, os.environ.pop("AUTOGRADER_WORKER_PRELOAD", "").split(",")):
    try:
        __import__(_name)
    except ImportError:  # pragma: no cover - the workers will import what they can
        pass

CONTROL_LIMIT = 1 << 20


def _start_worker(request: dict, worker_sock: socket.socket, control: socket.socket) -> int:
    """Fork a confined worker; return its pid. With ``pid_namespace`` the worker is forked twice
    so that it is the first process of a new PID namespace, and everything it starts dies with
    it (used when no cgroup keeps count of its processes)."""
    if not request.get("pid_namespace"):
        zygote = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the worker
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the fork server's handler
            # it dies with the fork server, however the fork server dies (a pool process or a
            # cluster task killed with its children), or a worker that waits would outlive both
            sandbox.set_parent_death_signal(signal.SIGKILL)
            if os.getppid() != zygote:
                os._exit(70)
            request["zygote"] = zygote
            control.close()
            if request.get("cgroup"):
                sandbox.join_cgroup(request["cgroup"])
            _become_worker(request, worker_sock)
        return pid
    read_end, write_end = os.pipe()
    intermediate = os.fork()
    if intermediate == 0:  # pragma: no cover - child processes
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the fork server's handler
            os.close(read_end)
            control.close()
            if request.get("cgroup"):
                sandbox.join_cgroup(request["cgroup"])
            sandbox.enter_new_namespaces(pid=True, net=False)
            pid = os.fork()
            if pid == 0:
                os.close(write_end)
                _become_worker(request, worker_sock)
            os.write(write_end, str(pid).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    data = b""
    while True:
        chunk = os.read(read_end, 64)
        if not chunk:
            break
        data += chunk
    os.close(read_end)
    return int(data or b"0")


def _become_worker(request: dict, sock: socket.socket) -> None:  # pragma: no cover - in the worker
    code = 70
    try:
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an output flood fails a write, not the worker
        workdir = request["workdir"]
        output = os.open(os.path.join(workdir, "output.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(output)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        keep = sock.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, 1 << 16)
        os.chdir(workdir)
        os.environ.clear()
        os.environ.update({"HOME": workdir, "TMPDIR": workdir, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        limits = request["limits"]
        sandbox.set_limits(memory_bytes=limits["memory_bytes"], cpu_seconds=limits["cpu_seconds"],
                           file_bytes=limits["output_bytes"])
        if request.get("user"):  # a user without rights, when the grader runs as root and asks for one
            sandbox.drop_bounding_set()  # first, while CAP_SETPCAP is held
            sandbox.become_user(*request["user"])
            if request.get("zygote"):  # a change of user clears the parent-death signal
                sandbox.set_parent_death_signal(signal.SIGKILL)
                if os.getppid() != request["zygote"]:
                    return
        sandbox.drop_capabilities()
        sandbox.no_new_privileges()  # with or without Landlock
        if request["landlock"]:
            sandbox.apply_landlock(
                read=request["readable"] + sandbox.SYSTEM_FILES_READ,
                read_execute=request["executable"],
                read_write=[workdir] + sandbox.SYSTEM_FILES_READ_WRITE,
            )
        sys.dont_write_bytecode = True
        code = 0
        protocol.send(sock, {"ready": True})  # from here on, whatever happens is the student's doing
        serve(sock, request["module"], request["label"], request["seconds"])
    except BaseException as error:  # the sandbox could not be set up: say so on the output file
        try:
            os.write(2, f"worker setup failed: {type(error).__name__}: {error}\n".encode())
        except OSError:
            pass
    finally:
        os._exit(code or 70)


def main(control_fd: int, grader: int = 0) -> None:
    """Serve the grader (process ``grader``) over ``control_fd`` until it closes it or dies."""
    control = socket.socket(fileno=control_fd)
    live: set[int] = set()  # workers started and not yet reaped

    def end_with_the_grader(signum, frame) -> None:  # pragma: no cover - the grader was killed
        """The grader died (a killed pool process, a cancelled cluster task): its workers go too,
        or a worker that waits rather than computes would outlive everything."""
        for pid in list(live):
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        os._exit(1)

    signal.signal(signal.SIGTERM, end_with_the_grader)
    sandbox.set_parent_death_signal(signal.SIGTERM)
    if grader and os.getppid() != grader:  # the grader died before the signal was asked for
        end_with_the_grader(signal.SIGTERM, None)
    sandbox.become_subreaper()
    namespaces = sandbox.enter_new_namespaces(pid=False, net=True)  # no network for any worker
    statuses: dict[int, int] = {}

    def reap() -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            statuses[pid] = status
            live.discard(pid)
            if len(statuses) > 4096:
                statuses.pop(next(iter(statuses)))

    gc.collect()
    gc.freeze()  # workers' garbage collections skip everything inherited: fewer copy-on-write faults
    protocol.send_message(control, {"ready": True, "torch": torch is not None, "namespaces": namespaces})
    while True:
        reap()
        ready, _, _ = select.select([control], [], [], 0.5)
        if not ready:
            continue
        try:
            request, fds = protocol.receive_message(control)
        except protocol.PeerClosed:
            return
        except (protocol.ProtocolError, OSError):
            continue
        op = request.get("op") if isinstance(request, dict) else None
        if op == "spawn" and fds:
            worker_sock = socket.socket(fileno=fds[0])
            for extra in fds[1:]:
                os.close(extra)
            try:
                pid = _start_worker(request, worker_sock, control)
                if pid > 0:
                    live.add(pid)
            finally:
                worker_sock.close()
            protocol.send_message(control, {"pid": pid})
        elif op == "status":
            deadline = time.monotonic() + float(request.get("wait", 1.0))
            pid = int(request["pid"])
            while pid not in statuses and time.monotonic() < deadline:
                time.sleep(0.005)
                reap()
            protocol.send_message(control, {"status": statuses.pop(pid, None)})
        else:
            for fd in fds:
                os.close(fd)
            protocol.send_message(control, {"error": f"bad request {op!r}"})

if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0)
