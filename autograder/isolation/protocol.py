"""The wire between the grader and a worker: framed JSON plus raw array bytes. No pickle.

A frame is ``MAGIC`` (4 bytes), the length of the rest (8 bytes, big-endian), the length of the
JSON header (4 bytes), the JSON header, then the raw bytes of every array, back to back. The
JSON header is ``{"blobs": [n0, n1, ...], "body": <value>}`` where ``<value>`` is plain data:

    null, true/false, numbers (NaN and infinities allowed), strings, lists,
    {"__tuple__": [...]}                      a tuple
    {"__dict__": [[key, value], ...]}         a dict (keys of any plain scalar type)
    {"__complex__": [re, im]}                 a complex number
    {"__nd__": i, "dtype": "<f8", "shape": [2, 3]}   an array whose bytes are blob i (C order)
    {"__scalar__": i, "dtype": "<f8"}         a NumPy scalar, same encoding, shape ()
    {"__handle__": id, "type": "Cache"}       an opaque object left in the worker

Everything a worker sends is untrusted (student code runs there and may rewrite the worker), so
:func:`decode` checks every node and raises :class:`ProtocolError` on anything else: unknown
tags, dtypes that are not plain numbers/strings, shapes that do not match the bytes, nesting
deeper than ``MAX_DEPTH`` (``core.plain.WIRE_DEPTH``), frames larger than the caller's limit.
"""

from __future__ import annotations

import array
import json
import math
import os
import select
import socket
import struct
import time
from typing import Any

import numpy as np

from ..core.door import Build, Handle
from ..core.plain import WIRE_DEPTH, is_plain_dtype

MAGIC = b"AGW1"
MAX_DEPTH = WIRE_DEPTH  # plain data (core.plain) inside a message's own few containers
_TYPE_NAME_LIMIT = 200


class SharedArray:
    """A request argument whose bytes travel in shared memory instead of the frame: in the
    request's one memfd, at byte offset ``index``. The worker maps it, the student's function
    works on that very memory, and the grader reads what it holds after the call without asking
    the worker."""

    def __init__(self, index: int, dtype: np.dtype, shape: tuple) -> None:
        self.index, self.dtype, self.shape = index, dtype, shape


class ProtocolError(Exception):
    """A malformed, oversized or late message."""


class PeerClosed(ProtocolError):
    """The other side closed the connection (for a worker: it died)."""


class PeerTimeout(ProtocolError):
    """No complete message before the deadline."""


# --- encoding (both sides) ----------------------------------------------------------------------


def encode(value: Any) -> bytes:
    """One frame holding ``value`` (plain data as produced by the door's ``to_plain``)."""
    blobs: list[bytes] = []

    def walk(obj: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ProtocolError("value nested too deeply")
        # NumPy first: np.float64 is also a Python float, and must stay a NumPy scalar.
        if isinstance(obj, np.ndarray):
            array = np.ascontiguousarray(obj)
            blobs.append(array.tobytes())
            return {"__nd__": len(blobs) - 1, "dtype": array.dtype.str, "shape": list(array.shape)}
        if isinstance(obj, np.generic):
            array = np.asarray(obj)
            blobs.append(array.tobytes())
            return {"__scalar__": len(blobs) - 1, "dtype": array.dtype.str}
        if obj is None or type(obj) is bool:
            return obj
        if isinstance(obj, str):
            return str(obj)
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            return float(obj)
        if isinstance(obj, complex):
            return {"__complex__": [obj.real, obj.imag]}
        if isinstance(obj, Handle):
            return {"__handle__": int(obj.id), "type": str(obj.type_name)[:_TYPE_NAME_LIMIT]}
        if isinstance(obj, Build):
            return {"__build__": str(obj.kind), "args": [walk(a, depth + 1) for a in obj.args]}
        if isinstance(obj, SharedArray):
            return {"__shm__": obj.index, "dtype": obj.dtype.str, "shape": list(obj.shape)}
        if isinstance(obj, tuple):
            return {"__tuple__": [walk(item, depth + 1) for item in obj]}
        if isinstance(obj, list):
            return [walk(item, depth + 1) for item in obj]
        if isinstance(obj, dict):
            return {"__dict__": [[walk(k, depth + 1), walk(v, depth + 1)] for k, v in obj.items()]}
        raise ProtocolError(f"cannot send an object of type {type(obj).__name__}")

    body = walk(value, 0)
    header = json.dumps({"blobs": [len(b) for b in blobs], "body": body}, allow_nan=True).encode()
    rest = struct.pack(">I", len(header)) + header + b"".join(blobs)
    return MAGIC + struct.pack(">Q", len(rest)) + rest


# --- decoding (the grader's side: untrusted input) ----------------------------------------------


def _dtype(text: Any) -> np.dtype:
    if not isinstance(text, str) or len(text) > 16:
        raise ProtocolError("bad dtype")
    try:
        dtype = np.dtype(text)
    except (TypeError, ValueError):
        raise ProtocolError(f"bad dtype {text!r}") from None
    if not is_plain_dtype(dtype):
        raise ProtocolError(f"dtype {text!r} is not plain data")
    return dtype


def _array(node: dict, blobs: list[memoryview], shape: Any) -> np.ndarray:
    index = node.get("__nd__", node.get("__scalar__"))
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(blobs):
        raise ProtocolError("bad blob index")
    dtype = _dtype(node.get("dtype"))
    if not isinstance(shape, list) or len(shape) > 32 or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise ProtocolError("bad shape")
    count = math.prod(shape)
    if count * dtype.itemsize != len(blobs[index]):
        raise ProtocolError("array bytes do not match its shape and dtype")
    return np.frombuffer(blobs[index], dtype=dtype, count=count).reshape(shape).copy()


def _decode_node(node: Any, blobs: list[memoryview], depth: int, shared=None) -> Any:
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if isinstance(node, list):
        return [_decode_node(item, blobs, depth + 1, shared) for item in node]
    if not isinstance(node, dict) or len(node) > 3:
        raise ProtocolError("unexpected JSON object")
    keys = set(node)
    if keys == {"__tuple__"} and isinstance(node["__tuple__"], list):
        return tuple(_decode_node(item, blobs, depth + 1, shared) for item in node["__tuple__"])
    if keys == {"__dict__"} and isinstance(node["__dict__"], list):
        out = {}
        for pair in node["__dict__"]:
            if not isinstance(pair, list) or len(pair) != 2:
                raise ProtocolError("bad dict entry")
            key = _decode_node(pair[0], blobs, depth + 1, shared)
            try:
                hash(key)
            except TypeError:
                raise ProtocolError("unhashable dict key") from None
            out[key] = _decode_node(pair[1], blobs, depth + 1, shared)
        return out
    if keys == {"__complex__"}:
        parts = node["__complex__"]
        if not (isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, (int, float)) for p in parts)):
            raise ProtocolError("bad complex number")
        return complex(parts[0], parts[1])
    if keys == {"__handle__", "type"}:
        ident, kind = node["__handle__"], node["type"]
        if not isinstance(ident, int) or isinstance(ident, bool) or not isinstance(kind, str):
            raise ProtocolError("bad handle")
        return Handle(ident, kind[:_TYPE_NAME_LIMIT])
    if keys == {"__nd__", "dtype", "shape"}:
        return _array(node, blobs, node["shape"])
    if keys == {"__scalar__", "dtype"}:
        return _array(node, blobs, [])[()]
    if keys == {"__build__", "args"} and shared is not None and isinstance(node["args"], list):
        return Build(str(node["__build__"]), tuple(_decode_node(a, blobs, depth + 1, shared) for a in node["args"]))
    if keys == {"__shm__", "dtype", "shape"} and shared is not None:
        return shared(node["__shm__"], _dtype(node["dtype"]), tuple(node["shape"]))
    raise ProtocolError(f"unexpected JSON object with keys {sorted(keys)[:5]}")


def decode(payload: bytes, shared=None) -> Any:
    """The value in the rest of a frame (everything after MAGIC and the length). ``shared``
    maps shared-array nodes (index, dtype, shape) to arrays; without it they are rejected."""
    view = memoryview(payload)
    if len(view) < 4:
        raise ProtocolError("truncated frame")
    (header_length,) = struct.unpack(">I", view[:4])
    if header_length > len(view) - 4:
        raise ProtocolError("truncated header")
    try:
        header = json.loads(bytes(view[4 : 4 + header_length]))
    except (ValueError, RecursionError):
        raise ProtocolError("header is not valid JSON") from None
    if not isinstance(header, dict) or set(header) != {"blobs", "body"} or not isinstance(header["blobs"], list):
        raise ProtocolError("bad header")
    sizes = header["blobs"]
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in sizes):
        raise ProtocolError("bad blob sizes")
    offset = 4 + header_length
    if offset + sum(sizes) != len(view):
        raise ProtocolError("blob sizes do not add up to the frame")
    blobs = []
    for n in sizes:
        blobs.append(view[offset : offset + n])
        offset += n
    try:
        return _decode_node(header["body"], blobs, 0, shared)
    except RecursionError:
        raise ProtocolError("value nested too deeply") from None


# --- framing over a socket ----------------------------------------------------------------------


def send(sock: socket.socket, value: Any, fds: tuple[int, ...] = ()) -> None:
    frame = encode(value)
    if not fds:
        sock.sendall(frame)
        return
    # The descriptors ride on the first bytes; the rest of a large frame follows normally.
    sent = sock.sendmsg([frame], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    sock.sendall(frame[sent:])


def receive_request(sock: socket.socket, *, limit: int, max_fds: int = 64) -> tuple[bytes, list[int]]:
    """The worker's side: the rest of one frame and the file descriptors sent with it."""
    head, fds = b"", []
    while len(head) < 12:
        data, ancillary, _, _ = sock.recvmsg(12 - len(head), socket.CMSG_SPACE(max_fds * 4))
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds += array.array("i", payload[: len(payload) - len(payload) % 4]).tolist()
        if not data:
            raise PeerClosed("the connection closed")
        head += data
    if head[:4] != MAGIC:
        raise ProtocolError("bad frame marker")
    (length,) = struct.unpack(">Q", head[4:])
    if length > limit:
        raise ProtocolError("message too large")
    return _recv_exactly(sock, length, None), fds


def _recv_exactly(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    buffer = bytearray(n)
    view, got = memoryview(buffer), 0
    while got < n:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PeerTimeout("no reply before the deadline")
            ready, _, _ = select.select([sock], [], [], remaining)
            if not ready:
                raise PeerTimeout("no reply before the deadline")
        try:
            count = sock.recv_into(view[got:], n - got)
        except ConnectionResetError:
            count = 0
        if not count:
            raise PeerClosed("the connection closed")
        got += count
    return bytes(buffer) if n <= 4096 else buffer


def receive(sock: socket.socket, *, limit: int, deadline: float | None = None) -> Any:
    """Read one frame (at most ``limit`` bytes) and decode it."""
    head = _recv_exactly(sock, 12, deadline)
    if head[:4] != MAGIC:
        raise ProtocolError("bad frame marker")
    (length,) = struct.unpack(">Q", head[4:])
    if length > limit:
        raise ProtocolError(f"message of {length} bytes exceeds the limit of {limit} bytes")
    return decode(_recv_exactly(sock, length, deadline))


# --- messages on a SOCK_SEQPACKET socket (the zygote's control channel; may carry fds) ---------


def send_message(sock: socket.socket, value: Any, fds: tuple[int, ...] = ()) -> None:
    socket.send_fds(sock, [encode(value)], list(fds))


def receive_message(sock: socket.socket, *, limit: int = 1 << 20, max_fds: int = 4) -> tuple[Any, list[int]]:
    """One whole message and the file descriptors attached to it. Raises PeerClosed at EOF."""
    message, fds, _, _ = socket.recv_fds(sock, limit, max_fds)
    if not message:
        for fd in fds:
            os.close(fd)
        raise PeerClosed("the connection closed")
    if message[:4] != MAGIC or struct.unpack(">Q", message[4:12])[0] != len(message) - 12:
        for fd in fds:
            os.close(fd)
        raise ProtocolError("bad control message")
    return decode(message[12:]), fds
