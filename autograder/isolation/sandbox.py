"""Operating-system confinement for a worker process (Linux): what each piece does, and a
probe that says which pieces this machine offers.

- **Landlock** (kernel 5.13+, unprivileged): the worker may read only the Python installation,
  its packages and system libraries, may write only its own scratch folder, may execute only
  the Python installation, may not open TCP connections, and may not signal or reach (abstract
  Unix sockets) processes outside its sandbox. The grader's files, the reference solutions, the
  hidden checks and the other assignments of the submission are simply not there for it.
- **Namespaces**: a new PID namespace (every process the worker starts dies with it) and a new
  network namespace (no network at all), when the machine allows (root, or user namespaces).
- **Resource limits** (setrlimit): address space, CPU seconds, size of files written, open
  files, core dumps off; the number of processes and threads through a pids cgroup when the
  grader may create one (root).
- **No privileges**: a worker started by root keeps uid 0 but drops every capability.
"""

from __future__ import annotations

import ctypes
import os
import resource
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long

# prctl(2)
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36
# unshare(2)
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
CLONE_NEWUSER = 0x10000000
# landlock(7): syscall numbers are the same on x86_64 and aarch64
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_REMOVE_DIR, FS_REMOVE_FILE, FS_MAKE_CHAR, FS_MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
FS_MAKE_REG, FS_MAKE_SOCK, FS_MAKE_FIFO, FS_MAKE_BLOCK, FS_MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
READ = FS_READ_FILE | FS_READ_DIR
READ_EXECUTE = READ | FS_EXECUTE
READ_WRITE = (
    READ | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_DIR | FS_MAKE_REG | FS_MAKE_SYM
    | FS_MAKE_FIFO | FS_MAKE_SOCK | FS_REFER | FS_TRUNCATE
)


class SandboxError(OSError):
    pass


def _check(result: int, what: str) -> int:
    if result < 0:
        errno = ctypes.get_errno()
        raise SandboxError(errno, f"{what}: {os.strerror(errno)}")
    return result


def landlock_abi() -> int:
    """The Landlock ABI version the kernel offers (0: none)."""
    result = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), LANDLOCK_CREATE_RULESET_VERSION)
    return max(int(result), 0)


def _handled_fs(abi: int) -> int:
    rights = (1 << 13) - 1  # ABI 1: execute .. make_sym
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def apply_landlock(read: list[str], read_execute: list[str], read_write: list[str]) -> int:
    """Restrict this process (and all it starts) to the given file hierarchies; deny TCP and
    scope signals and abstract sockets where the ABI allows. Returns the ABI used."""
    abi = landlock_abi()
    if abi < 1:
        raise SandboxError(0, "Landlock is not available on this kernel")
    handled = _handled_fs(abi)
    if abi >= 6:
        attr = struct.pack("=QQQ", handled, NET_BIND_TCP | NET_CONNECT_TCP, SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL)
    elif abi >= 4:
        attr = struct.pack("=QQ", handled, NET_BIND_TCP | NET_CONNECT_TCP)
    else:
        attr = struct.pack("=Q", handled)
    buffer = ctypes.create_string_buffer(attr, len(attr))
    ruleset = _check(_libc.syscall(SYS_LANDLOCK_CREATE_RULESET, buffer, ctypes.c_size_t(len(attr)), 0),
                     "landlock_create_ruleset")
    try:
        for rights, paths in ((READ, read), (READ_EXECUTE, read_execute), (READ_WRITE, read_write)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue  # a path that does not exist here grants nothing
                try:
                    allowed = rights & handled
                    if not os.path.isdir(path):
                        allowed &= _FILE_RIGHTS
                    rule = ctypes.create_string_buffer(struct.pack("=Qi", allowed, fd), 12)
                    _check(_libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_PATH_BENEATH, rule, 0),
                           f"landlock_add_rule({path})")
                finally:
                    os.close(fd)
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
        _check(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return abi


def _is_within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def python_and_system_folders() -> set[Path]:
    """The Python installation, its packages (virtual environment and user site included) and
    the system's library folders."""
    import site

    wanted = {Path(p).resolve() for p in (sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix)}
    wanted |= {Path(p).resolve() for p in site.getsitepackages() if os.path.isdir(p)}
    user_site = site.getusersitepackages() if site.ENABLE_USER_SITE else None
    if user_site and os.path.isdir(user_site):
        wanted.add(Path(user_site).resolve())
    wanted |= {Path(p) for p in ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/share/zoneinfo")}
    return wanted


def readable_roots(protected: list[Path], wanted: set[Path] | None = None) -> list[str]:
    """Folders a worker may read (default: :func:`python_and_system_folders`) minus anything
    that holds a protected path (the grader's package, the solutions, the submissions): a
    folder holding one is replaced by its children that do not, recursively; a folder inside
    one is dropped."""
    wanted = python_and_system_folders() if wanted is None else {Path(p) for p in wanted}
    protected = [Path(p).resolve() for p in protected]
    out: set[Path] = set()

    def add(path: Path) -> None:
        if any(_is_within(path, p) for p in protected):
            return  # the protected folder itself, or inside it
        if not any(_is_within(p, path) for p in protected):
            out.add(path)
            return
        try:
            children = list(path.iterdir())
        except OSError:
            return
        for child in children:
            add(child)

    for path in wanted:
        if path.exists():
            add(path)
    # Keep only the outermost of nested folders.
    roots = sorted(out, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in roots:
        if not any(_is_within(path, k) for k in kept):
            kept.append(path)
    return [str(p) for p in kept]


def dynamic_loaders() -> list[str]:
    """The ELF interpreter(s) (ld-linux): execve opens them with an execute check, so a worker
    that may start Python needs EXECUTE on them too (on the file only, not its folder)."""
    import glob

    found = set()
    for pattern in ("/lib64/ld-linux*.so*", "/lib/ld-linux*.so*", "/lib/*/ld-linux*.so*", "/usr/lib/*/ld-linux*.so*",
                    "/lib/ld-musl-*.so*"):
        for path in glob.glob(pattern):
            found.add(os.path.realpath(path))
    return sorted(found)


SYSTEM_FILES_READ = ["/etc/ld.so.cache", "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
                     "/dev/urandom", "/dev/random", "/dev/zero", "/sys/devices/system/cpu", "/proc/cpuinfo"]
SYSTEM_FILES_READ_WRITE = ["/dev/null"]


def set_limits(*, memory_bytes: int | None, cpu_seconds: float | None, file_bytes: int | None,
               open_files: int = 256) -> None:
    """setrlimit for this process (inherited by all it starts)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if cpu_seconds:
        soft = max(1, int(cpu_seconds + 0.999))
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 2))
    if file_bytes:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    # No RLIMIT_NPROC: uid 0 is exempt from it, and for anyone else it counts every process of
    # the user. The number of processes is limited by a pids cgroup instead (PidsCgroup).


def _closed_to_others(path: Path) -> Path | None:
    """The first of ``path`` and its folders that a user other than its owner and group may not
    pass through (folders) or read (files), if any."""
    import stat

    path = Path(path).resolve()
    for part in [*reversed(path.parents), path]:
        try:
            mode = part.stat().st_mode
        except OSError:
            return part
        needed = stat.S_IXOTH if stat.S_ISDIR(mode) else stat.S_IROTH
        if not mode & needed or (stat.S_ISDIR(mode) and part == path and not mode & stat.S_IROTH):
            return part
    return None


def worker_user() -> tuple[tuple[int, int] | None, str]:
    """((uid, gid) of the user workers run as, or None; why not, when one was asked for).
    ``AUTOGRADER_WORKER_USER`` names the user (Gradescope's ``run_autograder`` asks for
    ``nobody``); it is honoured when the grader runs as root (only root may change its user) and
    the user can read the Python installation workers run (a Python under /root cannot be); else
    workers stay root without capabilities, and the reason says so. An unknown user is an error."""
    name = os.environ.get("AUTOGRADER_WORKER_USER", "")
    if not name:
        return None, ""
    if os.geteuid() != 0:
        return None, f"workers run as this grader's own user (AUTOGRADER_WORKER_USER={name} needs root)"
    import pwd

    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise ValueError(f"AUTOGRADER_WORKER_USER={name!r}: there is no such user on this machine") from None
    import tempfile

    for needed in (Path(sys.executable), Path(sys.prefix), Path(sys.base_prefix), Path(os.__file__),
                   Path(tempfile.gettempdir())):
        closed = _closed_to_others(needed)
        if closed is not None:
            return None, (f"workers run as root without capabilities: user {name} could not read {closed}, "
                          f"which the Python running them needs")
    return (entry.pw_uid, entry.pw_gid), ""


def give_to(path: Path, user: tuple[int, int]) -> None:
    """Make the folder ``path`` and everything under it ``user``'s, following no link (a link
    is given itself, never its target; a link at ``path`` is refused). Called by the grader on a
    folder it has just filled, before any worker may reach it."""
    uid, gid = user
    if os.path.islink(path) or not os.path.isdir(path):
        raise OSError(f"refusing to give {path} away: not a plain folder")
    for _, dirs, files, folder_fd in os.fwalk(path, follow_symlinks=False):
        os.chown(folder_fd, uid, gid)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(f"/proc/self/fd/{folder_fd}", d))]:
            os.chown(name, uid, gid, dir_fd=folder_fd, follow_symlinks=False)


def drop_bounding_set() -> None:
    """Give up every capability of the bounding set (while CAP_SETPCAP is still held): nothing
    executed later can regain one, setuid-root binaries included."""
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 and ctypes.get_errno() == 22:  # EINVAL: no such cap
            break


def no_new_privileges() -> None:
    """No execve may grant privileges from here on (setuid bits, file capabilities)."""
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")


def become_user(uid: int, gid: int) -> None:
    """Leave root for ``uid``/``gid`` for good (no supplementary groups): every capability goes
    with it, and the files of other users are out of reach by their permissions too."""
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if (os.getuid(), os.geteuid(), os.getgid(), os.getegid()) != (uid, uid, gid, gid) or os.getgroups():
        raise OSError(f"could not become user {uid}:{gid}")


PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_CAP_VERSION_3 = 0x20080522


def drop_capabilities() -> None:
    """Give up every capability (bounding, ambient, effective, permitted, inheritable). A root
    process keeps uid 0 but loses every privilege beyond plain file ownership: no overriding
    file permissions, mounting, loading modules, changing uids, tracing or signalling others."""
    for cap in range(64):  # needs CAP_SETPCAP; without it there is nothing to drop here anyway
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 and ctypes.get_errno() == 22:  # EINVAL: no such cap
            break
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = struct.pack("=Ii", _CAP_VERSION_3, 0)
    data = ctypes.create_string_buffer(24)  # two all-zero __user_cap_data_struct
    _check(_libc.capset(ctypes.create_string_buffer(header, 8), data), "capset")


class PidsCgroup:
    """A cgroup with a pids limit (processes and threads) for one worker, when this machine
    lets the grader make one (root with cgroup v1's or v2's pids controller). Everything in it
    can be listed, hence killed."""

    _root: Path | None | bool = False  # False: not probed yet

    @classmethod
    def root(cls) -> Path | None:
        if cls._root is False:
            cls._root = None
            if os.geteuid() == 0:
                for candidate in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
                    probe = candidate / f"autograder-probe-{os.getpid()}"
                    try:
                        probe.mkdir()
                    except OSError:
                        continue
                    ok = (probe / "pids.max").exists()
                    probe.rmdir()
                    if ok:
                        cls._root = candidate
                        break
        return cls._root  # type: ignore[return-value]

    def __init__(self, name: str, max_pids: int) -> None:
        root = self.root()
        if root is None:
            raise SandboxError(0, "no pids cgroup available")
        self.path = root / name
        self.path.mkdir()
        (self.path / "pids.max").write_text(str(max_pids))

    def pids(self) -> list[int]:
        try:
            return [int(x) for x in (self.path / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    def kill(self) -> None:
        """SIGKILL everything inside now. A process caught mid-fork may leave a child that shows
        up a moment later: call again before ``remove`` (see the client's ``bury``)."""
        for pid in self.pids():
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass

    def remove(self) -> bool:
        """Remove the (empty) cgroup; False while dying processes still hold it."""
        try:
            self.path.rmdir()
        except FileNotFoundError:
            pass
        except OSError:
            return False
        return True


def join_cgroup(path: str) -> None:
    """Move this process into the cgroup at ``path`` (its children will be born there)."""
    Path(path, "cgroup.procs").write_text(str(os.getpid()))


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def enter_new_namespaces(pid: bool = True, net: bool = True) -> list[str]:
    """New PID namespace for this process's future children and/or a new network namespace
    for this process. As root directly, otherwise through a user namespace (which maps our own
    ids, so files keep their owners). Returns what it managed."""
    flags = (CLONE_NEWPID if pid else 0) | (CLONE_NEWNET if net else 0)
    names = (["pid"] if pid else []) + (["net"] if net else [])
    if not flags:
        return []
    try:
        unshare(flags)
        return names
    except SandboxError:
        pass
    uid, gid = os.geteuid(), os.getegid()
    try:
        unshare(CLONE_NEWUSER | flags)
    except SandboxError:
        return []
    try:
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    except OSError:
        pass
    return ["user", *names]


def set_parent_death_signal(sig: int) -> None:
    _libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)


def become_subreaper() -> None:
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


@dataclass(frozen=True)
class Capabilities:
    landlock_abi: int
    namespaces: tuple[str, ...]
    pids_cgroup: bool

    @property
    def weak(self) -> bool:
        """Isolation is weak without Landlock: student code could then read the reference
        solutions and the hidden checks, and write where the grader can. Landlock of any ABI
        (1 and up) confines files, which is what keeps them out; namespaces, the network and
        the process limit only add to it (see :meth:`describe_network`)."""
        return self.landlock_abi < 1

    def describe(self) -> str:
        parts = [f"Landlock ABI {self.landlock_abi} file sandbox" if self.landlock_abi
                 else "NO Landlock (student code can read and write what the grader can)"]
        parts.append(f"{'+'.join(self.namespaces)} namespaces" if self.namespaces
                     else "no namespaces (cleanup by session)")
        parts.append("pids cgroup (process limit)" if self.pids_cgroup else "no process-count limit")
        return "; ".join(parts)

    def describe_network(self, net_namespace: bool) -> str:
        """What student code may do on the network: nothing in a network namespace of its own;
        else no TCP where Landlock can block it (ABI 4 and up; UDP stays open)."""
        if net_namespace:
            return "no network"
        if self.landlock_abi >= 4:
            return "no TCP (Landlock; no network namespace, so UDP is open)"
        return "network open (no network namespace; Landlock below ABI 4 cannot block TCP)"


def probe() -> Capabilities:
    """What this machine offers, tried in a throw-away child so this process is not changed."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_end)
        try:
            names = enter_new_namespaces(pid=True, net=True)
        except BaseException:
            names = []
        os.write(write_end, ",".join(names).encode())
        os._exit(0)
    os.close(write_end)
    names = os.read(read_end, 100).decode()
    os.close(read_end)
    os.waitpid(pid, 0)
    return Capabilities(landlock_abi(), tuple(n for n in names.split(",") if n), PidsCgroup.root() is not None)
