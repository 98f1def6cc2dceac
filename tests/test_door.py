"""The narrow door: plain data out, copies in, opaque handles, a fresh module every time."""

from __future__ import annotations

import re
import sys
import time

import numpy as np
import pytest
from conftest import busy_machine

from autograder.core.door import Handle, InProcessDoor, MissingFunction, StudentRaised, StudentTimeout

MODULE = '''
import numpy as np

COUNTER = [0]


class Cache:
    def __init__(self, x):
        self.x = x


class Sneaky(np.ndarray):
    def __eq__(self, other):
        return True


def forward(x):
    COUNTER[0] += 1
    return x * 2, Cache(x)


def backward(dout, cache):
    return dout * cache.x


def calls():
    return COUNTER[0]


def scale_in_place(x):
    x *= 10
    return None


def odd_things():
    return {np.int64(3): [np.float32(1.5), "s", None, (True,)], "arr": np.arange(3).view(Sneaky),
            "obj": np.array([object()], dtype=object)}


def fails():
    raise ValueError("k must be positive")
'''


@pytest.fixture
def module_path(tmp_path):
    path = tmp_path / "mod" / "mod.py"
    path.parent.mkdir()
    path.write_text(MODULE)
    return path


def test_caches_stay_behind_as_handles_and_come_back(module_path):
    door = InProcessDoor(module_path)
    x = np.arange(4.0)
    out, cache = door.call("forward", x).value
    assert isinstance(cache, Handle) and cache.type_name == "Cache"
    np.testing.assert_array_equal(out, 2 * x)
    np.testing.assert_array_equal(door.call("backward", np.ones(4), cache).value, x)


def test_arguments_are_copies_and_come_back_as_left(module_path):
    door = InProcessDoor(module_path)
    x = np.arange(3.0)
    outcome = door.call("scale_in_place", x)
    np.testing.assert_array_equal(x, [0.0, 1.0, 2.0])  # the grader's array is untouched
    np.testing.assert_array_equal(outcome.args_after[0], [0.0, 10.0, 20.0])  # but the change is seen


def test_results_are_plain(module_path):
    value = InProcessDoor(module_path).call("odd_things").value
    assert set(value) == {3, "arr", "obj"} and type(next(iter(value))) is int
    assert type(value["arr"]) is np.ndarray  # the subclass (and its __eq__) is gone
    assert isinstance(value["obj"], Handle)  # object arrays could hide anything
    assert value[3][0] == np.float32(1.5) and value[3][1:] == ["s", None, (True,)]


def test_each_door_loads_a_fresh_module_and_leaves_no_trace(module_path):
    before = set(sys.modules)
    first = InProcessDoor(module_path)
    first.call("forward", np.zeros(1))
    first.call("forward", np.zeros(1))
    assert first.call("calls").value == 2
    assert InProcessDoor(module_path).call("calls").value == 0
    assert set(sys.modules) == before
    assert not (module_path.parent / "__pycache__").exists()


def test_exceptions_cross_as_names(module_path):
    door = InProcessDoor(module_path)
    with pytest.raises(StudentRaised) as info:
        door.call("fails")
    assert info.value.is_a("ValueError") and info.value.is_a("Exception")
    assert "fails raised ValueError: k must be positive" in info.value.describe()
    assert "door.py" not in info.value.details  # the grader's frames are not shown
    with pytest.raises(MissingFunction, match="no function named nope"):
        door.call("nope")


TIMED = '''
import time


def burn(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass
    return seconds


def nap(seconds):
    time.sleep(seconds)
'''


@pytest.fixture
def timed_path(tmp_path):
    path = tmp_path / "timed" / "timed.py"
    path.parent.mkdir()
    path.write_text(TIMED)
    return path


def test_a_students_own_run_is_timed_in_cpu_time_so_a_busy_machine_gives_the_same_grade(timed_path):
    """The door of a student's pytest and of the notebooks (no sandbox, no grader outside to
    watch): 1.5 s of computing under a 2.5 s limit passes while four processes per core compete
    for the CPU; the same call under a door timed by the clock runs out of time."""
    with busy_machine(per_core=4):
        door = InProcessDoor(timed_path, time_limit=2.5, watch_waiting=True)
        started = time.monotonic()
        assert door.call("burn", 1.5).value == 1.5
        on_the_clock = time.monotonic() - started
        assert on_the_clock > 2.5, "the machine was not busy enough to tell CPU time from the clock"
        assert 1.5 <= door.spent < 2.5
        with pytest.raises(StudentTimeout, match=r"\(2.5 s per check\)"):
            InProcessDoor(timed_path, time_limit=2.5).call("burn", 1.5)


def test_code_that_waits_in_a_students_own_run_is_stopped_by_the_clock(timed_path):
    """Sleeping uses no CPU time: the clock stops it soon after the limit, and says why."""
    door = InProcessDoor(timed_path, time_limit=1.0, watch_waiting=True)
    started = time.monotonic()
    with pytest.raises(StudentTimeout, match="waiting") as raised:
        door.call("nap", 3600)
    assert time.monotonic() - started < 5
    assert raised.value.function == "nap"
    assert door.call("burn", 0.01).value == 0.01  # the door, its handlers and the watchdog still work


def test_a_timeout_says_where_the_time_ran_out_and_who_called_it(tmp_path):
    """The loop that ran on is in a helper the called function calls: the failure names both
    (the check is filed under the function called, the student must look at the helper)."""
    path = tmp_path / "m" / "m.py"
    path.parent.mkdir()
    path.write_text("def helper(x):\n    while x >= 0:\n        x += 1\n\n\ndef caller():\n    return helper(0)\n")
    with pytest.raises(StudentTimeout) as raised:
        InProcessDoor(path, time_limit=0.3, watch_waiting=True).call("caller")
    assert raised.value.function == "caller"
    assert re.search(r"The time ran out in helper, m\.py line [23], called by caller\.", raised.value.describe())
