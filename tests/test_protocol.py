"""The wire format: plain values survive the trip; anything else a worker might send is refused."""

from __future__ import annotations

import json
import socket
import struct

import numpy as np
import pytest

from autograder.core.door import Handle
from autograder.isolation import protocol


def frame_body(value) -> bytes:
    return protocol.encode(value)[12:]


VALUES = [
    None, True, 3, -2**70, 1.5, float("inf"), "text", 2 + 3j,
    np.float64(1.25), np.int32(-7), np.bool_(True),
    np.arange(12.0).reshape(3, 4), np.zeros((0, 5)), np.array(["a", "bc"]), np.arange(6, dtype=np.uint8)[::2],
    (1, [2.0, (3,)], {"k": np.ones(2)}), {3: "int key", (1, 2): "tuple key", None: 0},
    Handle(7, "Cache"),
]


def same(back, value) -> bool:
    """Equal, of the same types, all the way down."""
    if type(back) is not type(value):
        return False
    if isinstance(value, np.ndarray):
        return (back.dtype == value.dtype and back.shape == value.shape and np.array_equal(back, value)
                and back.flags.writeable and back.flags.c_contiguous)
    if isinstance(value, np.generic):
        return back.dtype == value.dtype and back == value
    if isinstance(value, (list, tuple)):
        return len(back) == len(value) and all(same(b, v) for b, v in zip(back, value))
    if isinstance(value, dict):
        return list(back) == list(value) and all(same(back[k], value[k]) for k in value)
    return back == value


@pytest.mark.parametrize("value", VALUES, ids=[type(v).__name__ + str(i) for i, v in enumerate(VALUES)])
def test_plain_values_round_trip(value):
    assert same(protocol.decode(frame_body(value)), value)


def test_nan_survives():
    assert np.isnan(protocol.decode(frame_body(float("nan"))))


def forged(header: dict, blobs: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack(">I", len(text)) + text + blobs


BAD_FRAMES = {
    "object dtype": forged({"blobs": [8], "body": {"__nd__": 0, "dtype": "|O", "shape": [1]}}, b"\0" * 8),
    "structured dtype": forged({"blobs": [8], "body": {"__nd__": 0, "dtype": "[('a', '<f8')]", "shape": [1]}},
                               b"\0" * 8),
    "shape does not match bytes": forged({"blobs": [8], "body": {"__nd__": 0, "dtype": "<f8", "shape": [2]}},
                                         b"\0" * 8),
    "negative dimension": forged({"blobs": [8], "body": {"__nd__": 0, "dtype": "<f8", "shape": [-1]}}, b"\0" * 8),
    "blob index out of range": forged({"blobs": [8], "body": {"__nd__": 3, "dtype": "<f8", "shape": [1]}}, b"\0" * 8),
    "blobs do not add up": forged({"blobs": [9], "body": None}, b"\0" * 8),
    "unknown tag": forged({"blobs": [], "body": {"__pickle__": "gASV"}}),
    "plain JSON object": forged({"blobs": [], "body": {"score": 30}}),
    "shared memory from a worker": forged({"blobs": [], "body": {"__shm__": 0, "dtype": "<f8", "shape": [1]}}),
    "unhashable key": forged({"blobs": [], "body": {"__dict__": [[[1, 2], 3]]}}),
    "deep nesting": forged({"blobs": [], "body": json.loads("[" * 80 + "]" * 80)}),
    "bad handle": forged({"blobs": [], "body": {"__handle__": "x", "type": "T"}}),
    "not JSON": struct.pack(">I", 5) + b"{oops",
    "header longer than frame": struct.pack(">I", 500) + b"{}",
    "extra header keys": forged({"blobs": [], "body": None, "score": 30}),
}


@pytest.mark.parametrize("name", BAD_FRAMES)
def test_malformed_frames_are_refused(name):
    with pytest.raises(protocol.ProtocolError):
        protocol.decode(BAD_FRAMES[name])


def test_framing_limits_marker_and_deadline():
    a, b = socket.socketpair()
    with a, b:
        protocol.send(a, list(range(10)))
        assert protocol.receive(b, limit=1 << 20) == list(range(10))
        protocol.send(a, np.zeros(1000))
        with pytest.raises(protocol.ProtocolError, match="exceeds the limit"):
            protocol.receive(b, limit=100)
    a, b = socket.socketpair()
    with a, b:
        a.sendall(b"JUNK" + b"\0" * 8)
        with pytest.raises(protocol.ProtocolError, match="marker"):
            protocol.receive(b, limit=1 << 20)
        with pytest.raises(protocol.PeerTimeout):
            protocol.receive(b, limit=1 << 20, deadline=0)
        a.close()
        with pytest.raises(protocol.PeerClosed):
            protocol.receive(b, limit=1 << 20, deadline=None)


def test_objects_that_are_not_plain_cannot_be_sent():
    with pytest.raises(protocol.ProtocolError):
        protocol.encode(object())
