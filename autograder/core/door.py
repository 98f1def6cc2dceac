"""The one narrow door between the grader and student code.

A check never touches a student's module directly. It asks the door: "call function F with
these plain arguments", and gets back a :class:`CallOutcome` holding plain data only — NumPy
arrays (copied, base class, numeric dtypes), Python and NumPy scalars, strings, ``None``, and
tuples, lists and dicts of those. Anything else a student function returns (a layer's cache, an
odd object) stays on the student's side and comes back as an opaque :class:`Handle`, which a
later call may pass back as an argument. Arguments are copied on the way in, so student code can
never alias the grader's arrays; the arguments as the student left them come back in
``CallOutcome.args_after`` so that a check can tell whether an input was modified.

Everything that judges — comparisons, tolerances, points — happens on the grader's side of this
door. That is what lets the instructor's grader put the student's side in a sandboxed worker
process (:class:`autograder.isolation.client.WorkerDoor`, which runs this very class inside the
worker) while students' local runs keep it in-process, with the same checks.

Failures inside student code never escape as their own exception types: an exception of any kind
(``KeyboardInterrupt`` and ``SystemExit`` included), an import error, or running out of the
check's time all become a :class:`StudentProblem`, which costs the check that met it and nothing
else.
"""

from __future__ import annotations

import _thread
import builtins
import contextlib
import ctypes
import functools
import io
import itertools
import os
import signal
import sys
import sysconfig
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import numpy as np

from ..environment import GRADER_PACKAGES, environment_message, missing_package
from .loader import load_module
from .plain import MAX_DEPTH, to_plain
from .torch_builders import BUILDERS as TORCH_BUILDERS

__all__ = [
    "Build",
    "Call",
    "CallOutcome",
    "Door",
    "FunctionsDoor",
    "Handle",
    "InProcessDoor",
    "Made",
    "MissingFunction",
    "MissingPackage",
    "StudentImportError",
    "StudentProblem",
    "StudentRaised",
    "StudentTimeout",
    "argument_of",
    "relabel",
    "result_of",
    "stuck_handler",
]

# dtype kinds that cross the door as arrays: bool, ints, floats, complex, strings.
_OUTPUT_LIMIT = 4000  # characters of a student's printed output kept per check


@dataclass(frozen=True)
class Handle:
    """An opaque reference to an object that stays on the student's side of the door."""

    id: int
    type_name: str

    def __repr__(self) -> str:
        return f"<opaque {self.type_name} object #{self.id}>"


@dataclass(frozen=True)
class Build:
    """An argument the student's side constructs itself, from an allow-listed recipe, because the
    object cannot travel as plain data: ``Build("rng", 7)`` is ``np.random.default_rng(7)``."""

    kind: str
    args: tuple = ()

    def make(self, resolve=lambda arg: arg) -> Any:
        """The object, from its arguments after ``resolve`` (a door's: Handles -> objects)."""
        try:
            builder = BUILDERS[self.kind]
        except KeyError:
            raise ValueError(f"no builder for {self.kind!r}") from None
        return builder(*(resolve(arg) for arg in self.args))


def _sgd_step(w, dw, learning_rate):
    """``w - learning_rate * dw`` in float64: a plain SGD step of the grader's training loops."""
    return np.asarray(w, dtype=np.float64) - float(learning_rate) * np.asarray(dw, dtype=np.float64)


def momentum_step(w, dw, w_prev, lr, momentum):
    """The notes' update, w_{t+1} = w_t - lr * dL/dw + momentum * (w_t - w_{t-1}) (the contract)."""
    smoothing = momentum * (w - w_prev)
    return w - lr * dw + smoothing


BUILDERS = {
    "rng": lambda seed: np.random.default_rng(int(seed)),
    # the grader's arithmetic between the student's calls of a batch (see Made)
    "sgd_step": _sgd_step,
    "momentum_step": momentum_step,
    "float64": lambda x: np.asarray(x, dtype=np.float64),
    "relu": lambda x: np.maximum(x, 0),
    "relu_mask": lambda dout, x: np.asarray(dout, dtype=np.float64) * (np.asarray(x) > 0),
    **TORCH_BUILDERS,
}

# References, inside the calls of one ``call_each``, to what an earlier call of the same batch
# was given or gave back, resolved by the door itself (see result_of and argument_of). With them
# a training runs many steps in one request, its state staying on the student's side; only what
# a call marks ``send`` comes back.
EARLIER = ("result", "argument")


def result_of(index: int, *path: Any) -> Build:
    """A copy of the value call ``index`` of the batch returned (``value[path[0]][path[1]]...``),
    as a call one at a time would get it from the grader."""
    return Build("result", (index, *path))


def argument_of(index: int, position: int, *path: Any) -> Build:
    """A copy of argument ``position`` of call ``index`` of the batch as that call left it (what
    it changed in place shows): a table a function updates in place, passed on to the next."""
    return Build("argument", (index, position, *path))


def _fresh(value: Any) -> Any:
    """``value`` with its arrays copied (containers too): every reference to an earlier call's
    result or argument gets its own, as arguments sent by the grader are each a copy."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if type(value) in (tuple, list):
        return type(value)(_fresh(item) for item in value)
    if type(value) is dict:
        return {key: _fresh(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Call:
    """One call of a :meth:`InProcessDoor.call_each` batch; with ``send=False`` its value stays
    on the student's side (for later calls of the batch to refer to) and the outcome's value is
    None."""

    function: str
    args: tuple = ()
    kwargs: dict | None = None
    keep: tuple = ()
    send: bool = True


@dataclass(frozen=True)
class Made:
    """A recipe built as one step of a :meth:`InProcessDoor.call_each` batch (its outcome's value
    is the object, as ``build`` returns it): the grader's arithmetic between the student's calls,
    such as an SGD step (``Build("sgd_step", (w, dw, lr))``)."""

    recipe: Build
    send: bool = True


def as_part(part: Any) -> Call | Made:
    """A batch's part: a Call, a Made, or the short form ``(function, args)``."""
    if isinstance(part, (Call, Made)):
        return part
    function, args = part
    return Call(function, tuple(args))


class _Unresolvable(Exception):
    """A reference to an earlier call's result that its value does not have."""

    def __init__(self, message: str, function: str) -> None:
        super().__init__(message)
        self.function = function


@dataclass
class CallOutcome:
    """What one call of a student function gave back, as plain data."""

    function: str
    value: Any
    args_after: tuple
    kwargs_after: dict
    warnings: tuple[str, ...] = ()
    printed: str = ""  # what the student's code printed (cut at a few thousand characters)
    seconds: float = 0.0
    global_rng_changed: bool = False  # did the call use or reseed NumPy's global random state?


# --- problems in student code -------------------------------------------------------------------


class StudentProblem(Exception):
    """Student code did not give a usable answer. The check that met it scores 0.

    ``str(problem)`` is the message for the student; ``details`` (a traceback, say) follows it.
    ``kind`` is the kind of failure it stands for (see :data:`~autograder.core.results.KINDS`),
    ``function`` the function that was running, when one was; ``case`` the row of the check's
    table it happened in (set by :func:`~autograder.core.verdicts.case`).
    """

    kind = "crashed"

    def __init__(self, message: str, details: str = "", *, kind: str | None = None,
                 function: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if kind is not None:
            self.kind = kind
        self.function = function
        self.case: str | None = None

    def describe(self) -> str:
        return self.message + ("\n" + self.details if self.details else "")


class StudentImportError(StudentProblem):
    """The student's module could not be imported. ``cause``: it "raised", "timed_out" or "crashed"."""

    kind = "does_not_import"

    def __init__(self, message: str, details: str = "", *, cause: str = "raised") -> None:
        super().__init__(message, details)
        self.cause = cause


class MissingFunction(StudentProblem):
    """The student's module has no function of the required name."""

    kind = "missing_function"


class StudentTimeout(StudentProblem):
    """Student code ran past the check's time limit."""

    kind = "timed_out"


class MissingPackage(StudentProblem):
    """The grader's code on the student's side of the door (a recipe that builds a PyTorch
    object, say) could not import a package: the Python running it lacks one. Not the student's
    code's fault; the message says what to install."""

    kind = "environment"


class StudentRaised(StudentProblem):
    """A student function raised. ``exc_types`` holds the names of the exception's classes
    (its MRO), so that a check can ask "was it a ValueError?" without the exception object
    ever crossing the door. ``origin`` is (function, file name, line) of the innermost frame;
    ``module`` the file name of the student's module (where a function of theirs would be)."""

    def __init__(self, function: str, exc_types: tuple[str, ...], exc_message: str, tb: str,
                 origin: tuple[str, str, int] | None = None, module: str | None = None):
        self.function = function
        self.exc_types = exc_types
        self.exc_message = exc_message
        self.origin = origin
        kind = exc_types[0]
        if kind == "NotImplementedError":
            where, file, line = origin or (function, "?", 0)
            place = f"NotImplementedError at {file} line {line}"
            if where == function:
                message = f"{function} is not implemented yet ({place})."
            else:
                message = f"{function} could not run: {where}, which it calls, is not implemented yet ({place})."
            tb = ""  # the stub's own line says it all
        else:
            shown = f": {exc_message}" if exc_message else ""
            message = f"{function} raised {kind}{shown}"
        super().__init__(message, tb, kind="not_implemented" if kind == "NotImplementedError" else "raised",
                         function=function)
        # The function at fault: for a stub of the student's module, the one not implemented yet.
        stub = kind == "NotImplementedError" and origin is not None and origin[1] == module
        self.at_fault = origin[0] if stub else function

    @property
    def not_implemented(self) -> bool:
        return self.exc_types[0] == "NotImplementedError"

    def is_a(self, name: str) -> bool:
        return name in self.exc_types


# --- running student code safely in this process ------------------------------------------------


class _TimeUp(BaseException):
    """Raised inside student code by the alarm; a BaseException so `except Exception` misses it."""


class _BoundedText(io.TextIOBase):
    """A text sink keeping the first ``limit`` characters written to it; the rest is counted.
    Once it is full, ``print`` calls aimed at it are counted without formatting their
    arguments (``skipped``, see :func:`_cheap_prints`), so that printing costs a student's code
    next to nothing in time whatever it prints."""

    def __init__(self, limit: int) -> None:
        self.limit = max(int(limit), 0)
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0
        self.skipped = 0

    @property
    def full(self) -> bool:
        return self.kept >= self.limit

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def kept_text(self) -> str:
        return "".join(self.parts)

    def text(self) -> str:
        """What was kept, and how much was not."""
        return self.kept_text() + _cut_note(self.dropped, self.skipped)


def _cut_note(dropped: int, skipped: int) -> str:
    if not (dropped or skipped):
        return ""
    parts = [f"{_size(dropped)} more" if dropped else ""]
    if skipped:
        parts.append(f"{skipped:,} more print calls")
    return f"\n... (output cut: {' and '.join(p for p in parts if p)} not shown)"


def _size(characters: int) -> str:
    for unit, size in (("MB", 1 << 20), ("kB", 1 << 10)):
        if characters >= size:
            return f"{characters / size:.1f} {unit}"
    return f"{characters} characters"


@contextlib.contextmanager
def _cheap_prints(sink: _BoundedText):
    """While student code runs, a ``print`` whose output would go to the full ``sink`` is only
    counted: its arguments are not even turned into text (a float's or an array's text is what
    costs time). Anything else prints as always. Replaces ``builtins.print`` (like the
    redirection of sys.stdout beside it, for the time of one call, under _RUN_LOCK)."""
    real = builtins.print

    def cheap_print(*args, sep=" ", end="\n", file=None, flush=False):
        target = sys.stdout if file is None else file
        if target is sink and sink.full:
            sink.skipped += 1
            return None
        return real(*args, sep=sep, end=end, file=file, flush=flush)

    builtins.print = cheap_print
    try:
        yield
    finally:
        builtins.print = real


# Seconds past its time limit after which student code that could not be stopped (it catches
# every interruption, or is stuck in a long call of compiled code) ends a run that asked for it
# (see stuck_handler).
HARD_STOP_GRACE = 5.0
# Code timed in CPU time that waits (time.sleep, input(), a lock) uses none: it is stopped by the
# clock once its limit has passed on the clock while it used under WAITING_SHARE of a CPU, or at
# the latest after WALL_FACTOR times the limit (a machine four times over-subscribed).
WALL_FACTOR = 4.0
WAITING_SHARE = 0.05
_INTERRUPT_EVERY = 0.2  # seconds between interruptions of student code past its limit


def _alarm_signals() -> bool:
    """Can this Python interrupt running code with a timer signal? Not on Windows."""
    return hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM") and hasattr(signal, "SIGPROF")


_main_clock: tuple[int, Callable[[], float]] | None = None  # (pid, clock): a fork's main thread is another


def main_thread_cpu_clock() -> Callable[[], float]:
    """A clock of the main thread's CPU time that any thread can read (Linux); where there is
    none (macOS, Windows), the process's CPU time. The main thread runs the student's code: BLAS
    threads computing for it (or spinning while they wait for work) are not counted."""
    global _main_clock
    if _main_clock is None or _main_clock[0] != os.getpid():
        try:
            clock_id = time.pthread_getcpuclockid(threading.main_thread().ident)
            time.clock_gettime(clock_id)
            clock = functools.partial(time.clock_gettime, clock_id)
        except (AttributeError, OSError, TypeError):
            clock = time.process_time
        _main_clock = (os.getpid(), clock)
    return _main_clock[1]


@dataclass
class _Watched:
    """One guarded block, as the watchdog sees it."""

    deadline: float  # on ``clock``
    clock: Any
    state: dict
    interrupt: Callable[[], None] | None  # how the watchdog interrupts the main thread, if it does
    message: str  # for a hard stop
    next_interrupt: float = 0.0  # seconds past the deadline of the next interruption
    done: bool = False
    # With ``seconds`` set, code that waits is over its limit too (see WALL_FACTOR): the block
    # started at ``wall_start`` on the clock, at ``clock_start`` on ``clock``.
    seconds: float | None = None
    wall_start: float = 0.0
    clock_start: float = 0.0

    def over(self) -> float:
        """Seconds past the limit (negative before it). Sets ``state["waiting"]`` to (seconds on
        the clock, seconds used) when the clock's rule is what stops the code."""
        now = self.clock()
        over = now - self.deadline
        if self.seconds is None or over >= 0:
            return over
        elapsed = time.perf_counter() - self.wall_start
        if elapsed <= self.seconds:
            return over
        used = now - self.clock_start
        waited = elapsed - (self.seconds if used < WAITING_SHARE * elapsed else WALL_FACTOR * self.seconds)
        if waited >= 0:
            self.state["waiting"] = (elapsed, used)
        return max(over, waited)


class _Watchdog:
    """A thread of the grader's that keeps the time limit where no timer signal can (Windows):
    past the limit it interrupts the main thread (``_thread.interrupt_main``, which stops Python
    code at its next instruction) every 0.2 s; and, where a run asked for it (a student's pytest,
    see :func:`stuck_handler`), it ends the process when student code still runs
    :data:`HARD_STOP_GRACE` seconds past its limit, on every platform: a Python thread cannot be
    stopped otherwise. Started in a process when first needed (never in a sandboxed worker,
    which has signals and no stuck handler); it watches the main thread's one guarded block."""

    POLL = 0.05

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.watched: _Watched | None = None
        self.pid: int | None = None

    def watch(self, watched: _Watched) -> _Watched | None:
        if self.pid != os.getpid():  # first use in this process (a fork has no thread of its parent's)
            self.pid = os.getpid()
            threading.Thread(target=self._run, name="autograder-watchdog", daemon=True).start()
        with self.lock:
            previous, self.watched = self.watched, watched
        return previous

    def unwatch(self, watched: _Watched, previous: _Watched | None) -> None:
        """After this, the watchdog no longer interrupts nor stops ``watched``."""
        with self.lock:
            watched.done = True
            self.watched = previous

    def _run(self) -> None:
        while True:
            time.sleep(self.POLL)
            with self.lock:
                watched = self.watched
                if watched is None or watched.done:
                    continue
                over = watched.over()
                if over < 0:
                    continue
                if over >= HARD_STOP_GRACE and _stuck_handlers:
                    try:
                        _stuck_handlers[-1](watched.message)
                    finally:
                        os._exit(1)
                if watched.interrupt is not None and over >= watched.next_interrupt:
                    watched.next_interrupt = over + _INTERRUPT_EVERY
                    watched.state["timed_out"] = watched.state["poked"] = True
                    watched.interrupt()  # _guarded's handler raises _TimeUp in the main thread


_WATCHDOG = _Watchdog()
_stuck_handlers: list[Callable[[str], None]] = []


@contextlib.contextmanager
def stuck_handler(handler: Callable[[str], None]):
    """While the block runs, student code that is still running :data:`HARD_STOP_GRACE` seconds
    past its time limit although it was interrupted (it catches every interruption, or is stuck
    in compiled code) ends the process: the watchdog thread calls ``handler(message)`` (a
    student's pytest prints the check's failure and the score so far), then ``os._exit(1)``.
    Without a handler such code keeps running (and is interrupted again and again)."""
    _stuck_handlers.append(handler)
    try:
        yield
    finally:
        _stuck_handlers.remove(handler)


def _restore_handler(signum: int, handler: Any) -> None:
    """``signal.signal(signum, handler)``, even when a late alarm or interruption meant for the
    guarded block runs our handler in the middle of it (its exception is then dropped; a real
    Ctrl-C is raised once the handler is restored)."""
    interrupted = None
    for _ in range(100):
        try:
            signal.signal(signum, handler)
            break
        except _TimeUp:
            continue
        except KeyboardInterrupt as ctrl_c:
            interrupted = ctrl_c
    if interrupted is not None:
        raise interrupted


def _signal_main(signum: int) -> Callable[[], None]:
    """Send ``signum`` to the main thread (it also ends a time.sleep, an input() or a lock's wait)."""
    main = threading.main_thread().ident
    return lambda: signal.pthread_kill(main, signum)


@contextlib.contextmanager
def _guarded(seconds: float, cpu: bool = False, what: str = "student code", limit: str = "",
             watch_waiting: bool = False):
    """Raise _TimeUp in the running code after ``seconds`` (and again every 0.2 s while it keeps
    running), and tell a real Ctrl-C apart from a KeyboardInterrupt raised by student code.
    ``cpu``: seconds of this process's CPU time (the same on a busy machine), not of the clock.
    ``watch_waiting`` (with ``cpu``): seconds of the main thread's CPU time
    (:func:`main_thread_cpu_clock`), kept by the watchdog thread, which also stops code that
    waits instead of computing (see :data:`WALL_FACTOR`; ``state["waiting"]`` then holds the
    seconds on the clock and those used). A sandboxed worker does without: the grader watches
    its CPU time from outside.

    With a timer signal (SIGALRM, or SIGPROF for CPU time) where there is one; else (Windows) the
    watchdog thread interrupts the main thread (see :class:`_Watchdog`), which stops Python code
    but not a long call inside compiled code. ``what`` and ``limit`` name the code and its limit
    for a hard stop (see :func:`stuck_handler`). Signals only reach the main thread; elsewhere
    the code runs without a time limit.
    """
    state = {"timed_out": False, "interrupted": False, "poked": False}
    if threading.current_thread() is not threading.main_thread():
        yield state
        return
    alarm = _alarm_signals()

    def on_alarm(signum, frame):
        state["timed_out"], state["poked"] = True, False
        raise _TimeUp()

    def on_interrupt(signum, frame):
        if state["poked"]:  # the watchdog's interruption, not a Ctrl-C
            state["poked"] = False
            raise _TimeUp()
        state["interrupted"] = True
        raise KeyboardInterrupt()

    old_interrupt = signal.signal(signal.SIGINT, on_interrupt)
    watch_waiting = watch_waiting and cpu
    timer = None
    if alarm:
        timer, alarm_signal = (signal.ITIMER_PROF, signal.SIGPROF) if cpu else (signal.ITIMER_REAL, signal.SIGALRM)
        old_alarm = signal.signal(alarm_signal, on_alarm)
        if watch_waiting:
            timer = None  # the watchdog sends the signal
        else:
            signal.setitimer(timer, max(seconds, 1e-3), _INTERRUPT_EVERY)
    watched = previous = None
    if not alarm or _stuck_handlers or watch_waiting:
        clock = main_thread_cpu_clock() if watch_waiting else time.process_time if cpu else time.perf_counter
        message = (f"{what} did not finish within the time limit ({limit or f'{seconds:g} s'}) and could not be "
                   f"stopped {HARD_STOP_GRACE:g} s later either: it catches every interruption (an `except:` "
                   "or `except BaseException:` inside a loop), or is stuck in a long call of compiled code. "
                   "The run was ended here. Look for an infinite loop.")
        interrupt = None
        if not alarm:
            interrupt = _thread.interrupt_main  # calls on_interrupt in the main thread
        elif watch_waiting:
            interrupt = _signal_main(alarm_signal)  # calls on_alarm in the main thread
        now = clock()
        watched = _Watched(now + seconds, clock, state, interrupt=interrupt, message=message,
                           seconds=seconds if watch_waiting else None, wall_start=time.perf_counter(),
                           clock_start=now)
        previous = _WATCHDOG.watch(watched)
    try:
        yield state
    finally:
        # A last alarm or interruption may arrive in the middle of this: it is dropped (the
        # block is over), and the clean-up goes on until the handlers are the old ones again.
        ctrl_c = None
        for _ in range(100):
            try:
                if timer is not None:
                    signal.setitimer(timer, 0)
                if watched is not None:
                    _WATCHDOG.unwatch(watched, previous)
                    started = time.perf_counter()
                    while state["poked"] and time.perf_counter() - started < 1.0:
                        pass  # an interruption is on its way: it must arrive while our handler is in place
                break
            except _TimeUp:
                continue
            except KeyboardInterrupt as interrupt:
                ctrl_c = interrupt
        if alarm:
            _restore_handler(alarm_signal, old_alarm)
        _restore_handler(signal.SIGINT, old_interrupt)
        if ctrl_c is not None:
            raise ctrl_c


# The autograder package (as imported, and with symbolic links resolved): none of its frames is
# the student's.
_GRADER_PACKAGE = tuple({str(p) + "/" for p in (Path(__file__).parents[1], Path(__file__).resolve().parents[1])})
# Where installed packages and the standard library live, the longest first: their frames are
# shown from the folder's own name on ("site-packages/numpy/..."), not from the grader's machine.
_INSTALLED = sorted({p for key in ("purelib", "platlib", "stdlib", "platstdlib")
                     if (p := sysconfig.get_paths().get(key))}, key=len, reverse=True)


def _student_traceback(exc: BaseException, skip_file: str) -> str:
    """The traceback of ``exc`` as the student's code met it: without the frames of the door,
    of the loader or of any other part of the grader, and with the paths of installed packages
    (NumPy's, say) from ``site-packages/`` on. Empty when no frame is left to show."""
    top = traceback.TracebackException.from_exception(exc, capture_locals=False)
    tb, seen = top, set()
    while tb is not None and id(tb) not in seen:  # the exception, then those it was raised from
        seen.add(id(tb))
        frames = [frame for frame in tb.stack
                  if frame.filename != skip_file and not frame.filename.startswith(_GRADER_PACKAGE)]
        for frame in frames:
            folder = next((f for f in _INSTALLED if frame.filename.startswith(f + "/")), None)
            if folder is not None:
                frame.filename = str(Path(folder).name / Path(frame.filename).relative_to(folder))
        tb.stack = traceback.StackSummary.from_list(frames[-12:])
        tb = tb.__cause__ or (None if tb.__suppress_context__ else tb.__context__)
    if not top.stack and top.__cause__ is None and top.__context__ is None and not isinstance(exc, SyntaxError):
        return ""  # raised by the call itself (a wrong number of arguments): the message says it all
    return "".join(top.format()).rstrip()


_module_counter = itertools.count()
_RUN_LOCK = threading.RLock()


class Door(Protocol):
    """What a check may call: the door to one module (the student's, or the reference) for one
    check. Both :class:`InProcessDoor` and the isolated
    :class:`~autograder.isolation.client.WorkerDoor` are doors.

    ``call`` and ``build`` return plain data (and opaque :class:`Handle` s) and raise only
    :class:`StudentProblem` for anything student code does; ``spent`` is the seconds of student
    code run through the door so far, ``path`` the module's file."""

    path: Path
    spent: float
    timings: dict[str, FunctionTime]

    def open(self) -> None: ...

    def has(self, function: str) -> bool: ...

    def call(self, function: str, *args: Any, **kwargs: Any) -> CallOutcome: ...

    def call_keeping(self, function: str, keep: Sequence[int], *args: Any, **kwargs: Any) -> CallOutcome: ...

    def call_each(self, calls: Sequence[tuple[str, Sequence[Any]] | Call | Made]) -> list[CallOutcome]: ...

    def release(self, handles: Sequence[Handle]) -> None: ...

    def build(self, recipe: Build) -> Any: ...

    def close(self) -> None: ...


def relabel(problem: StudentProblem, shown_as: Sequence[tuple[str, str]]) -> StudentProblem:
    """Show the paths people know in a problem's message and details: each ``(path, shown)``
    pair in turn replaces ``path`` by ``shown`` (a worker's scratch copy by the submission's
    folder, a module extracted from a notebook by the notebook). Tracebacks then read as in a
    local run, and grading is reproducible."""
    for path, shown in shown_as:
        problem.message = problem.message.replace(path, shown)
        problem.details = problem.details.replace(path, shown)
    problem.args = (problem.message,)
    return problem


@dataclass
class FunctionTime:
    """The calls a door made to one function and the seconds they took (a call stopped by the
    time limit included)."""

    calls: int = 0
    seconds: float = 0.0

    def add(self, seconds: float) -> None:
        self.calls += 1
        self.seconds += seconds


def waiting_message(what: str, elapsed: float, used: float) -> str:
    return (f"{what} was stopped after {elapsed:.0f} s on the clock, in which it used only {used:.1f} s of CPU "
            "time: it was waiting (time.sleep, input(), a lock?) rather than computing.")


def time_limit_text(seconds: float, cpu: bool) -> str:
    return f"{seconds:g} s of CPU time per check" if cpu else f"{seconds:g} s per check"


class InProcessDoor:
    """The door with the student's side in this very process (students' local pytest runs).

    ``time_limit`` is the budget, in seconds, for all student code run through this door: the
    import and every call; seconds of the clock, or with ``cpu_clock`` of this process's CPU
    time (an isolated worker's, which a busy machine does not change); with ``watch_waiting``
    too, of the CPU time of the thread that runs the student's code, and code that waits is
    stopped by the clock (a student's pytest and notebooks: no grader outside to watch them). One door serves one
    check; a fresh door loads the module afresh, so no check can depend on state another check
    left behind. ``timings`` holds, per function, the calls made and the seconds they took.
    """

    def __init__(self, path: Path | str, *, time_limit: float = 30.0, label: str = "student",
                 copy_arguments: bool = True, shown_as: Sequence[tuple[str, str]] = (),
                 cpu_clock: bool = False, watch_waiting: bool = False) -> None:
        self.path = Path(path)
        self.cpu_clock = cpu_clock or watch_waiting
        self.watch_waiting = watch_waiting
        self.timings: dict[str, FunctionTime] = {}
        self.shown_as = tuple(shown_as)
        self.copy_arguments = copy_arguments
        self.time_limit = float(time_limit)
        self.label = label
        self.spent = 0.0
        # What the student's code printed through this door (one check): the first
        # _OUTPUT_LIMIT characters in all, and how much more there was (characters, print calls).
        self.printed = ""
        self.printed_cut = [0, 0]
        self._module: ModuleType | None = None
        self._objects: dict[int, Any] = {}
        self._ids = itertools.count(1)
        # Arrays the caller can read back by itself (a worker's arguments in shared memory): when
        # an argument still holds one of them, args_after reports None in its place instead of a
        # copy of its contents.
        self.self_read: set[int] = set()
        # Within call_each: (function, arguments as received, value) of each call so far.
        self._batch: list[tuple[str, tuple, Any]] | None = None

    # The student's side ---------------------------------------------------------------------

    def _keep(self, obj: Any) -> Handle:
        handle = Handle(next(self._ids), type(obj).__name__)
        self._objects[handle.id] = obj
        return handle

    def _resolve(self, arg: Any) -> Any:
        """Grader-side argument -> the object the student function receives (a fresh copy)."""
        if isinstance(arg, Handle):
            try:
                return self._objects[arg.id]
            except KeyError:
                raise ValueError(f"{arg!r} does not belong to this door") from None
        if isinstance(arg, Build):
            if arg.kind in EARLIER:
                return self._earlier(arg)
            return arg.make(self._resolve)
        if isinstance(arg, np.ndarray):
            return arg.copy() if self.copy_arguments else arg
        if type(arg) in (tuple, list):
            return type(arg)(self._resolve(item) for item in arg)
        if type(arg) is dict:
            return {key: self._resolve(value) for key, value in arg.items()}
        return arg

    def _earlier(self, reference: Build) -> Any:
        """What a ``Build("result", ...)`` / ``Build("argument", ...)`` refers to in this batch."""
        index, *path = reference.args
        if self._batch is None or type(index) is not int or not 0 <= index < len(self._batch):
            raise ValueError(f"{reference} refers to no earlier call of this batch")
        function, arguments, value = self._batch[index]
        target = arguments if reference.kind == "argument" else value
        shown = "its arguments" if reference.kind == "argument" else "what it returned"
        for key in path:
            try:
                target = target[key]
            except (LookupError, TypeError, ValueError):
                raise _Unresolvable(f"the next call needs item [{key!r}] of {shown}, and the "
                                    f"{type(target).__name__} there has none", function) from None
        return _fresh(target)

    def _run(self, what: str, thunk, function: str | None = None):
        """Run ``thunk()`` (student code) under the remaining time budget, capturing its output
        and warnings. Returns (result, warnings, output, seconds); raises StudentProblem."""
        remaining = self.time_limit - self.spent
        limit = time_limit_text(self.time_limit, self.cpu_clock)
        if remaining <= 0:
            raise StudentTimeout(f"{what}: out of time (the limit is {limit}).", function=function)
        sink = _BoundedText(_OUTPUT_LIMIT - len(self.printed))
        clock = time.thread_time if self.watch_waiting else time.process_time if self.cpu_clock else time.perf_counter
        started = clock()
        state: dict = {}

        def spent() -> float:
            seconds = clock() - started
            self.printed += sink.kept_text()
            self.printed_cut[0] += sink.dropped
            self.printed_cut[1] += sink.skipped
            self.spent += seconds
            if function is not None:
                self.timings.setdefault(function, FunctionTime()).add(seconds)
            return seconds

        try:
            with contextlib.ExitStack() as stack:
                # sys.stdout and the warnings filters are the process's: one call at a time
                # (the reference, called by checks of assignments graded side by side)
                stack.enter_context(_RUN_LOCK)
                state = stack.enter_context(_guarded(remaining, self.cpu_clock, what, limit, self.watch_waiting))
                caught = stack.enter_context(warnings.catch_warnings(record=True))
                warnings.simplefilter("always")
                stack.enter_context(np.errstate(**np.geterr()))  # undo any np.seterr in student code
                stack.enter_context(contextlib.redirect_stdout(sink))
                stack.enter_context(contextlib.redirect_stderr(sink))
                stack.enter_context(_cheap_prints(sink))
                result = thunk()
                if state.get("timed_out"):  # the student swallowed the alarm and carried on
                    raise _TimeUp()
        except BaseException as exc:  # noqa: BLE001 - everything from student code is contained
            spent()
            if state.get("interrupted"):
                raise KeyboardInterrupt("grading interrupted") from None
            if (isinstance(exc, _TimeUp) or state.get("timed_out")) and state.get("waiting"):
                raise StudentTimeout(waiting_message(what, *state["waiting"]), _output_note(sink.text()),
                                     function=function) from None
            if isinstance(exc, _TimeUp) or state.get("timed_out"):
                raise StudentTimeout(f"{what} did not finish within the time limit ({limit}).",
                                     _where_time_ran_out(exc) + _output_note(sink.text()),
                                     function=function) from None
            raise _Raised(exc, sink.text()) from None
        seconds = spent()
        notes = tuple(
            f"{w.category.__name__}: {w.message} ({Path(w.filename).name}:{w.lineno})" for w in caught
        )
        return result, notes, sink.kept_text(), seconds

    def printed_note(self) -> str:
        """What the student's code printed through this door, for a failure's message."""
        return printed_note(self.printed, *self.printed_cut)

    # The grader's side ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _shown(self):
        """Problems leave the door with the paths people know (``shown_as``)."""
        try:
            yield
        except StudentProblem as problem:
            relabel(problem, self.shown_as)
            raise

    def open(self) -> None:
        """Import the student's module (fresh). Raises StudentImportError on any failure."""
        if self._module is not None:
            return
        with self._shown():
            self._import()

    def _import(self) -> None:
        name = f"_student_{self.label}_{next(_module_counter)}"
        try:
            self._module, _, _, _ = self._run(
                f"importing {self.path.name}", lambda: load_module(self.path, name)
            )
        except _Raised as raised:
            exc = raised.exc
            tb = _student_traceback(exc, __file__)
            message = f"{self.path.name} could not be imported: {type(exc).__name__}: {exc}"
            package = missing_package(exc)
            if package in GRADER_PACKAGES.values():  # always there where the grader runs, but for a student's Python
                message += ". " + environment_message(package, f"{self.path.name} and the checks need")
            raise StudentImportError(message, tb + _output_note(raised.output)) from None
        except StudentTimeout as timeout:
            raise StudentImportError(f"importing {self.path.name} did not finish in time.", timeout.details,
                                     cause="timed_out") from None

    def has(self, function: str) -> bool:
        self.open()
        return callable(getattr(self._module, function, None))

    def call(self, function: str, *args: Any, **kwargs: Any) -> CallOutcome:
        """Call ``function`` of the student's module. Raises StudentProblem on any failure."""
        return self.call_keeping(function, (), *args, **kwargs)

    def call_keeping(self, function: str, keep: Sequence[int], *args: Any, **kwargs: Any) -> CallOutcome:
        """``call``, keeping the items at positions ``keep`` of a returned tuple on the student's
        side as handles (a layer's cache, which only goes back to the student's own backward
        pass: it need not cross the door twice). ``release`` them once done."""
        self.open()
        with self._shown():
            return self._call(function, args, kwargs, tuple(keep))

    def call_each(self, calls: Sequence[tuple[str, Sequence[Any]] | Call | Made]) -> list[CallOutcome]:
        """The calls (and recipes, :class:`Made`) in turn, as ``call`` would make them, in one
        request through a worker; a call may refer to what an earlier one of the batch was given
        or returned (``Build("result", i, ...)``, see :data:`EARLIER`). The first failure ends
        the batch."""
        self.open()
        self._batch = []
        try:
            with self._shown():
                return [self._part(as_part(part)) for part in calls]
        finally:
            self._batch = None

    def _part(self, part: Call | Made) -> CallOutcome:
        if isinstance(part, Call):
            return self._call(part.function, part.args, part.kwargs or {}, tuple(part.keep), part.send)
        value = self._made(part.recipe)
        self._batch.append((f"building {part.recipe.kind}", (), value))
        return CallOutcome(function=f"building {part.recipe.kind}", value=to_plain(value, self._keep) if part.send
                           else None, args_after=(), kwargs_after={})

    def release(self, handles: Sequence[Handle]) -> None:
        """Forget kept objects (a cache after its backward pass)."""
        for handle in handles:
            self._objects.pop(handle.id, None)

    def _call(self, function: str, args: tuple, kwargs: dict, keep: tuple = (), send: bool = True) -> CallOutcome:
        target = getattr(self._module, function, None)
        if not callable(target):
            raise MissingFunction(
                f"{self.path.name} has no function named {function} (check the spelling; "
                "the names come from the assignment's stub).", function=function,
            )
        try:
            call_args = tuple(self._resolve(a) for a in args)
            call_kwargs = {k: self._resolve(v) for k, v in kwargs.items()}
        except _Unresolvable as missing:
            raise StudentProblem(f"{missing.function}: {missing}.", kind="wrong_type",
                                 function=missing.function) from None
        except Exception as error:  # noqa: BLE001 - a recipe failed on what earlier calls returned
            if missing_package(error) is not None:
                raise _missing_package(error, function) from None
            raise StudentProblem(f"{function}: its arguments could not be made from what the calls before it "
                                 f"returned ({type(error).__name__}: {error}).", kind="wrong_type",
                                 function=function) from None
        rng_before = _global_rng_state()
        try:
            value, notes, output, seconds = self._run(function, lambda: target(*call_args, **call_kwargs), function)
        except _Raised as raised:
            exc = raised.exc
            types = tuple(cls.__name__ for cls in type(exc).__mro__)
            frames = traceback.extract_tb(exc.__traceback__)
            origin = (frames[-1].name, Path(frames[-1].filename).name, frames[-1].lineno or 0) if frames else None
            raise StudentRaised(
                function, types, str(exc), _student_traceback(exc, __file__) + _output_note(raised.output), origin,
                self.path.name,
            ) from None
        if self._batch is not None:
            self._batch.append((function, call_args, value))
        if not send:
            plain = None
        elif keep and type(value) is tuple:
            plain = tuple(self._keep(item) if i in keep else to_plain(item, self._keep, 1)
                          for i, item in enumerate(value))
        else:
            plain = to_plain(value, self._keep)
        return CallOutcome(
            function=function,
            value=plain,
            args_after=tuple(self._after_of(a, c) for a, c in zip(args, call_args)),
            kwargs_after={k: self._after_of(kwargs[k], v) for k, v in call_kwargs.items()},
            warnings=notes,
            printed=output,
            seconds=seconds,
            global_rng_changed=_global_rng_state() != rng_before,
        )

    def build(self, recipe: Build) -> Any:
        """Make ``recipe`` on the student's side and return it like a function's value: plain
        data, or Handles for what is not (a module, an optimiser). Readers among the recipes
        (``Build("parameters", handle)``) turn objects the student's code has used back into
        plain data. A failure costs the check, as in student code."""
        with self._shown():
            return to_plain(self._made(recipe), self._keep)

    def _made(self, recipe: Build) -> Any:
        if not isinstance(recipe, Build):
            raise TypeError("door.build takes a Build")
        try:
            value, _, _, _ = self._run(f"building {recipe.kind}", lambda: self._resolve(recipe))
        except _Raised as raised:
            exc = raised.exc
            if isinstance(exc, _Unresolvable):
                raise StudentProblem(f"{exc.function}: {exc}.", kind="wrong_type", function=exc.function) from None
            if missing_package(exc) is not None:
                raise _missing_package(exc) from None
            raise StudentProblem(f"{type(exc).__name__}: {exc}", _student_traceback(exc, __file__),
                                 kind="raised") from None
        return value

    def _after_of(self, sent: Any, received: Any) -> Any:
        """An argument after a call, given what the caller sent: a handle or a recipe comes back
        as it went (what it stands for stays on this side), also inside containers."""
        if isinstance(sent, (Handle, Build)):
            return sent
        if type(sent) in (tuple, list) and type(received) is type(sent) and len(received) == len(sent):
            return type(sent)(self._after_of(s, r) for s, r in zip(sent, received))
        if type(sent) is dict and type(received) is dict and list(received) == list(sent):
            return {key: self._after_of(sent[key], received[key]) for key in sent}
        return self._after(received)

    def _after(self, arg: Any, depth: int = 0) -> Any:
        """An argument as the student's code left it (see ``self_read``)."""
        if id(arg) in self.self_read:
            return None
        if depth < MAX_DEPTH and type(arg) in (tuple, list):
            return type(arg)(self._after(item, depth + 1) for item in arg)
        if depth < MAX_DEPTH and type(arg) is dict and all(type(k) is str for k in arg):
            return {key: self._after(value, depth + 1) for key, value in arg.items()}
        return to_plain(arg, self._keep, depth)

    def close(self) -> None:
        self._objects.clear()
        self._module = None


class FunctionsDoor(InProcessDoor):
    """A door to functions of the grader's own, in place of a module: an oracle that writes the
    contract with PyTorch trains through the very code (batches, recipes) a student's functions
    do."""

    def __init__(self, functions: dict[str, Any], label: str = "oracle") -> None:
        super().__init__(Path(f"<{label}>"), time_limit=3600.0, label=label)
        self._functions = dict(functions)

    def open(self) -> None:
        if self._module is None:
            self._module = ModuleType(self.label)
            self._module.__dict__.update(self._functions)


class _Raised(Exception):
    """Internal: student code raised ``exc`` after printing ``output``."""

    def __init__(self, exc: BaseException, output: str = "") -> None:
        super().__init__(exc)
        self.exc = exc
        self.output = output


def _global_rng_state() -> bytes:
    """A fingerprint of NumPy's global (legacy) random state: the raw bytes of its Mersenne
    Twister state (key and position), read directly (a microsecond, where get_state() copies
    it into new objects in 35), or through get_state() where that is not possible."""
    try:
        generator = np.random.mtrand._rand._bit_generator
        return ctypes.string_at(generator.ctypes.state_address, _MT19937_STATE_BYTES)
    except (AttributeError, TypeError, ValueError):
        _, keys, position, *_ = np.random.get_state()
        return keys.tobytes() + int(position).to_bytes(4, "little")


_MT19937_STATE_BYTES = 624 * 4 + 4  # struct mt19937_state {uint32_t key[624]; int pos;}


def _missing_package(error: BaseException, function: str | None = None) -> MissingPackage:
    """The problem of a recipe (the grader's code) that could not import a package."""
    return MissingPackage(environment_message(missing_package(error)), function=function)


def _where_time_ran_out(exc: BaseException) -> str:
    """Where in the student's code the time limit struck: the innermost of its frames (the loop
    that ran on), and the function called when that is another ("in knn_predict, knn.py line
    12, called by cross_validate_k"), so that the message names the function to look at."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if frame.filename != __file__ and not frame.filename.startswith(_GRADER_PACKAGE)
              and not any(frame.filename.startswith(folder + "/") for folder in _INSTALLED)]
    if not frames:
        return ""
    inner, outer = frames[-1], frames[0]
    place = f"in {inner.name}, {Path(inner.filename).name} line {inner.lineno}"
    called = f", called by {outer.name}" if outer.name != inner.name and outer.name != "<module>" else ""
    return f"The time ran out {place}{called}."


def _output_note(text: str) -> str:
    return f"\nYour code printed:\n{text}" if text.strip() else ""


def printed_note(kept: str, dropped: int = 0, skipped: int = 0) -> str:
    """"Your code printed ...": the first lines of what a check's calls printed, and how much
    was cut (so a student sees a flood of output for what it is)."""
    if not (kept.strip() or dropped or skipped):
        return ""
    if not (dropped or skipped):
        return f"Your code printed:\n{kept.rstrip()}"
    total = _size(len(kept) + dropped) + (" and more" if skipped else "")
    calls = f" (and {skipped:,} print calls after the output was full, not even formatted)" if skipped else ""
    return (f"Your code printed {total} in this check{calls}; printing is not needed here and only the first "
            f"lines are kept. The first lines were:\n{kept.rstrip()}")
