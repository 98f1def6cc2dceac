"""The student's side of the door, in a sandboxed worker process.

A worker serves a check: it loads the student's module (fresh, from its own copy of the
assignment folder) and answers ``open`` / ``has`` / ``call`` / ``calls`` / ``build`` requests by
running the very same :class:`~autograder.core.door.InProcessDoor` the students' local runs
use, then sends the plain outcome back; ``reset`` starts the next check of the same module with
a new door (the module imported afresh, no object kept, a new time budget). Nothing here judges
anything; a student who rewrites this module in memory can only change what their own
functions appear to return.
"""

from __future__ import annotations

import math
import mmap
import os
import socket
from typing import Any

import numpy as np

from ..core.door import (
    Build,
    Call,
    CallOutcome,
    Handle,
    InProcessDoor,
    Made,
    MissingFunction,
    StudentImportError,
    StudentProblem,
    StudentRaised,
    StudentTimeout,
)
from . import protocol

REQUEST_LIMIT = 1 << 34  # requests come from the trusted grader


def problem_reply(problem: StudentProblem) -> dict:
    reply: dict[str, Any] = {"ok": False, "message": problem.message, "details": problem.details}
    if isinstance(problem, StudentRaised):
        reply.update(kind="raised", function=problem.function, exc_types=list(problem.exc_types),
                     exc_message=problem.exc_message, origin=list(problem.origin) if problem.origin else None)
    elif isinstance(problem, StudentTimeout):
        reply["kind"] = "timeout"
    elif isinstance(problem, StudentImportError):
        reply.update(kind="import", cause=problem.cause)
    elif isinstance(problem, MissingFunction):
        reply["kind"] = "missing"
    else:
        reply.update(kind="problem", failure=problem.kind, at=problem.function)
    return reply


def _unsent(value: Any) -> Any:
    """An argument after a call, without the recipes in it: the grader knows what it sent."""
    if isinstance(value, Build):
        return None
    if type(value) in (tuple, list):
        return type(value)(_unsent(item) for item in value)
    if type(value) is dict:
        return {key: _unsent(item) for key, item in value.items()}
    return value


def _after(value: Any) -> Any:
    """An argument after a call as the grader needs it: None where the grader knows it already
    (a shared array still in place, a recipe, a handle, a number or a string, which no call can
    change for its caller)."""
    if isinstance(value, Handle) or value is None or isinstance(value, (bool, int, float, complex, str, np.generic)):
        return None
    return _unsent(value)


def _reply_of(outcome: CallOutcome) -> dict:
    """A call's outcome, its fields left out where they hold nothing: no argument to report, no
    warning, nothing printed, the global random state untouched (see the client's _outcome)."""
    reply: dict[str, Any] = {"value": outcome.value, "seconds": outcome.seconds}
    args_after = tuple(_after(a) for a in outcome.args_after)
    if any(a is not None for a in args_after):
        reply["args_after"] = args_after
    kwargs_after = {k: _after(v) for k, v in outcome.kwargs_after.items()}
    if any(v is not None for v in kwargs_after.values()):
        reply["kwargs_after"] = kwargs_after
    if outcome.warnings:
        reply["warnings"] = list(outcome.warnings)
    if outcome.printed:
        reply["printed"] = outcome.printed
    if outcome.global_rng_changed:
        reply["global_rng_changed"] = True
    return reply


def _part(call: dict) -> Call | Made:
    if "build" in call:
        return Made(call["build"], bool(call.get("send", True)))
    return Call(call["function"], tuple(call["args"]), call.get("kwargs"), tuple(call.get("keep", ())),
                bool(call.get("send", True)))


def handle(door: InProcessDoor, request: dict) -> dict:
    op = request.get("op")
    door.release([h for h in request.get("release", ()) if isinstance(h, Handle)])
    try:
        if op == "open":
            door.open()
            return {"ok": True}
        if op == "has":
            return {"ok": True, "value": door.has(request["function"])}
        if op == "build":
            return {"ok": True, "value": door.build(request["recipe"])}
        if op == "call":
            outcome = door.call_keeping(request["function"], request.get("keep", ()), *request["args"],
                                        **request.get("kwargs", {}))
            return {"ok": True, **_reply_of(outcome)}
        if op == "calls":  # several calls (and recipes) in one request; the first failure ends them
            outcomes = door.call_each([_part(call) for call in request["calls"]])
            return {"ok": True, "outcomes": [_reply_of(outcome) for outcome in outcomes]}
    except StudentProblem as problem:
        return problem_reply(problem)
    return {"ok": False, "kind": "problem", "message": f"unknown request {op!r}", "details": ""}


def _mapper(fds: list[int], made: list[np.ndarray]):
    """Shared arguments: the student's function gets an array over the grader's memfd itself
    (one memfd per request, each array at its own offset; each one also goes to ``made``)."""
    memory: list[mmap.mmap] = []

    def shared(offset: int, dtype: np.dtype, shape: tuple) -> np.ndarray:
        if len(fds) != 1:
            raise protocol.ProtocolError("shared arguments need exactly one memory descriptor")
        if not memory:
            memory.append(mmap.mmap(fds[0], os.fstat(fds[0]).st_size))
        count = math.prod(shape)
        if not isinstance(offset, int) or offset < 0 or offset + count * dtype.itemsize > len(memory[0]):
            raise protocol.ProtocolError("shared argument outside the shared memory")
        array = np.frombuffer(memory[0], dtype=dtype, count=count, offset=offset).reshape(shape)
        made.append(array)
        return array

    return shared


def serve(sock: socket.socket, module_path: str, label: str, seconds: float) -> None:
    """Answer requests until the grader says goodbye or goes away; never returns."""
    # The arguments are already private to this process (decoded or shared with the grader on
    # purpose), so the door hands them over as they are.
    door = InProcessDoor(module_path, time_limit=seconds, label=label, copy_arguments=False, cpu_clock=True)
    while True:
        try:
            payload, fds = protocol.receive_request(sock, limit=REQUEST_LIMIT)
            made: list[np.ndarray] = []
            try:
                request = protocol.decode(payload, shared=_mapper(fds, made))
            finally:
                for fd in fds:
                    os.close(fd)
        except (protocol.ProtocolError, OSError):
            os._exit(0)
        if request.get("op") == "bye":
            os._exit(0)
        if request.get("op") == "reset":  # the next check: its module imported afresh, nothing kept
            door = InProcessDoor(module_path, time_limit=float(request["seconds"]), label=label, copy_arguments=False,
                                 cpu_clock=True)
            try:  # the output file starts again (stdout and stderr share its offset)
                os.ftruncate(1, 0)
                os.lseek(1, 0, os.SEEK_SET)
            except OSError:
                pass
            reply = {"ok": True}
            try:
                sock.sendall(protocol.encode(reply))
            except OSError:
                os._exit(0)
            continue
        # The grader reads shared arguments back from the memory itself: where the student's
        # code left one in place, the reply does not repeat its contents.
        door.self_read = {id(array) for array in made}
        reply = handle(door, request)
        door.self_read = set()
        if any(door.printed_cut) and isinstance(reply, dict):  # how much output was cut, in this check so far
            reply["printed_cut"] = list(door.printed_cut)
        del made
        try:
            frame = protocol.encode(reply)
        except protocol.ProtocolError as error:  # to_plain makes this unreachable, but be safe
            frame = protocol.encode({"ok": False, "kind": "problem", "details": "",
                                     "message": f"the result could not be sent back: {error}"})
        try:
            sock.sendall(frame)
        except OSError:
            os._exit(0)
