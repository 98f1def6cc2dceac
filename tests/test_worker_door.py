"""Arguments as the student's code left them, through both doors. Through a worker, array
arguments live in shared memory that the grader reads back itself; the worker only says where
a container now holds something else. Every way of changing an argument must show, and an
untouched one must come back equal."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import busy_machine

from autograder.core.door import Build, InProcessDoor, StudentProblem, StudentTimeout
from autograder.core.runner import Limits
from autograder.core.verdicts import CheckFailure, expect_unchanged
from autograder.isolation.client import worker_doors

MODULE = '''
import numpy as np

def untouched(params, x):
    return float(x.sum() + params["W"].sum())

def rebinds_entry(params, x):
    params["W"] = params["W"] * 2  # the caller's dict now holds a new array
    return 0

def changes_entry_in_place(params, x):
    params["W"] *= 2
    return 0

def adds_key(params, x):
    params["extra"] = 1
    return 0

def replaces_list_item(params, x):
    params["list"][0] = np.zeros(2)
    return 0

def changes_x(params, x):
    x[0] = -1.0
    return 0

def rebinds_to_equal_copy(params, x):
    params["W"] = params["W"].copy()  # another object, same values: nothing the caller can see
    return 0

def sgd_step(model, optimiser, x):
    optimiser.zero_grad()
    loss = (model(x) ** 2).sum()
    loss.backward()
    optimiser.step()
    return loss.item()

def scale_and_sum(t):
    return (t * 3).sum()

def imported(name):
    import sys
    return name in sys.modules

def burn(seconds):
    import time
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return seconds

def nap(seconds):
    import time
    time.sleep(seconds)

def forward_with_cache(x):
    return x * 2, {"x": x, "layers": [x, x + 1]}

def backward_from_cache(dout, cache):
    return dout * cache["x"]

def step(w, x):
    w += x  # in place, as sgns_update does
    return {"sum": float(w.sum()), "twice": w * 2}

def no_dict(w):
    return 3.0
'''


@pytest.fixture(scope="module")
def module_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sub") / "mod" / "mod.py"
    path.parent.mkdir()
    path.write_text(MODULE)
    return path


@pytest.fixture(params=["worker", "in-process"])
def door(request, module_path):
    if request.param == "in-process":
        yield InProcessDoor(module_path)
        return
    worker = worker_doors(Limits(), [module_path.parent])(module_path, 30.0, "student")
    yield worker
    worker.close()


def arguments():
    return {"W": np.arange(6.0).reshape(2, 3), "list": [np.ones(2), 3]}, np.arange(4.0)


@pytest.mark.parametrize("function, changed", [
    ("untouched", False), ("rebinds_entry", True), ("changes_entry_in_place", True), ("adds_key", True),
    ("replaces_list_item", True), ("changes_x", True), ("rebinds_to_equal_copy", False),
])
def test_changes_to_arguments_show(door, function, changed):
    params, x = arguments()
    outcome = door.call(function, params, x)
    if changed:
        with pytest.raises(CheckFailure, match="modified its input"):
            expect_unchanged(function, ["params", "x"], [params, x], outcome)
    else:
        expect_unchanged(function, ["params", "x"], [params, x], outcome)
    assert np.array_equal(params["W"], np.arange(6.0).reshape(2, 3))  # the grader's own copy is never touched


def test_rebinding_reports_the_new_value(door):
    params, x = arguments()
    after, _ = door.call("rebinds_entry", params, x).args_after
    np.testing.assert_array_equal(after["W"], 2 * params["W"])
    after, x_after = door.call("changes_x", params, x).args_after
    np.testing.assert_array_equal(x_after, [-1.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(after["list"][0], np.ones(2))


# --- objects built on the student's side (torch_builders) --------------------------------------


def test_built_modules_and_optimisers_persist_across_calls(door):
    """A module and its optimiser built by recipe stay on the student's side as handles; two
    calls train the same objects, and the parameters read back match the same steps here."""
    import torch

    from autograder.core import torch_builders

    model = door.build(Build("mlp", (3, (2, 4, 1))))
    optimiser = door.build(Build("sgd", (model, 0.1, 0.9)))
    assert model.type_name == "Sequential" and optimiser.type_name == "SGD"
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    losses = [door.call("sgd_step", model, optimiser, Build("tensor", (x,))).value for _ in range(2)]

    here = torch_builders.mlp(3, (2, 4, 1))
    here_optimiser = torch_builders.sgd(here, 0.1, 0.9)
    expected = []
    for _ in range(2):
        here_optimiser.zero_grad()
        loss = (here(torch.from_numpy(x)) ** 2).sum()
        loss.backward()
        here_optimiser.step()
        expected.append(loss.item())
    assert losses == expected
    for got, want in zip(door.build(Build("parameters", (model,))), torch_builders.parameters(here)):
        np.testing.assert_array_equal(got, want)


def test_returned_tensor_reads_back_with_its_gradient(door):
    x = door.build(Build("tensor", (np.array([1.0, -2.0, 0.5]), True)))
    result = door.call("scale_and_sum", x).value
    assert result.type_name == "Tensor"
    value, gradients = door.build(Build("value_and_gradients", (result, [x])))
    assert value == pytest.approx(-1.5) and np.array_equal(gradients[0], [3.0, 3.0, 3.0])


@pytest.mark.parametrize("recipe, message", [
    (Build("no_such_builder", ()), "no builder"),
    (Build("value_and_gradients", (1.5, [])), "expected a torch.Tensor"),
])
def test_a_failing_recipe_costs_the_check(door, recipe, message):
    with pytest.raises(StudentProblem, match=message):
        door.build(recipe)


def test_fork_server_imports_what_a_suite_asks_for(module_path):
    """Suite.worker_preload (the GAN's torch._dynamo, which every PyTorch optimiser imports) is
    imported by the fork server, so a worker starts with it instead of paying for it."""
    door = worker_doors(Limits(), [module_path.parent], ["torch._dynamo"])(module_path, 30.0, "student")
    try:
        assert door.call("imported", "torch._dynamo").value is True
    finally:
        door.close()


def test_the_time_limit_is_cpu_time_so_a_busy_machine_gives_the_same_grade(module_path):
    """1.5 s of computing under a 2.5 s limit passes while four processes per core compete for
    the CPU (on the clock it takes far longer than the limit)."""
    worker = worker_doors(Limits(), [module_path.parent])(module_path, 2.5, "student")
    try:
        worker.open()
        with busy_machine(per_core=4):
            started = time.monotonic()
            assert worker.call("burn", 1.5).value == 1.5
            on_the_clock = time.monotonic() - started
        assert on_the_clock > 2.5, "the machine was not busy enough to tell CPU time from the clock"
        # the grader reads the worker's CPU time from /proc, in clock ticks (10 ms): a tick or two
        # may fall on either side of the request
        assert 1.5 - 2 / os.sysconf("SC_CLK_TCK") <= worker.spent < 2.5
        assert worker.timings["burn"].calls == 1
    finally:
        worker.close()


def test_code_that_waits_is_stopped_by_the_clock(module_path):
    """Sleeping uses no CPU time: the clock stops it soon after the limit, and says why."""
    worker = worker_doors(Limits(), [module_path.parent])(module_path, 1.0, "student")
    try:
        started = time.monotonic()
        with pytest.raises(StudentTimeout, match="waiting") as raised:
            worker.call("nap", 3600)
        assert time.monotonic() - started < 10
        assert raised.value.function == "nap"
    finally:
        worker.close()


def test_a_kept_cache_stays_on_the_students_side_until_released(door):
    """call_keeping returns a handle for the cache, which the student's backward gets back as
    the very object; after release it is gone."""
    from autograder.core.door import Handle

    outcome = door.call_keeping("forward_with_cache", (1,), np.arange(3.0))
    out, cache = outcome.value
    assert isinstance(cache, Handle) and np.array_equal(out, np.arange(3.0) * 2)
    backward = door.call("backward_from_cache", np.ones(3), cache)
    assert np.array_equal(backward.value, np.arange(3.0)) and backward.args_after[1] == cache
    door.release([cache])
    with pytest.raises((ValueError, StudentProblem)):  # a grader's mistake; the worker stops on it
        door.call("backward_from_cache", np.ones(3), cache)


def test_calls_in_one_request_are_the_calls_one_by_one(door):
    """call_each gives what the calls one at a time give, arguments after each call included,
    and a failure among them is the failure of that call."""
    calls = [("untouched", arguments()), ("changes_x", arguments()), ("scale_and_sum", (np.arange(3.0),))]
    each = door.call_each(calls)
    alone = [door.call(function, *args) for function, args in calls]
    assert [o.function for o in each] == [o.function for o in alone] == ["untouched", "changes_x", "scale_and_sum"]
    for a, b in zip(each, alone):
        assert np.array_equal(a.value, b.value)
        assert np.array_equal(a.args_after[-1], b.args_after[-1])
    assert each[1].args_after[1][0] == -1.0
    with pytest.raises(StudentProblem, match="nap"):
        door.call_each([("untouched", arguments()), ("nap", ("not a number",))])


def test_a_batch_refers_to_what_earlier_calls_were_given_and_returned(door):
    """Within one call_each, result_of / argument_of are copies of what an earlier call returned,
    or of an argument as that call left it (changed in place by it, by no later call: each call
    gets its own copy, as from the grader); a call not marked send gives back None; a recipe
    (Made) between calls is built from them. All in one request through a worker."""
    from autograder.core.door import Call, Made, argument_of, result_of

    requests = _count_requests(door)
    w, x = np.zeros(3), np.arange(3.0)
    outcomes = door.call_each([
        Call("step", (w, x), send=False),                          # its w becomes x, in place
        Call("step", (argument_of(0, 0), result_of(0, "twice"))),  # a copy of that w, plus 2x: 3x
        Made(Build("sgd_step", (argument_of(1, 0), result_of(1, "twice"), 0.5))),  # 3x - 0.5 * 6x = 0
        Made(argument_of(0, 0)), Made(argument_of(1, 0)),           # the tables, read back
    ])
    assert requests() == (1 if hasattr(door, "zygote") else 0)
    assert outcomes[0].value is None
    assert outcomes[1].value["sum"] == 9.0 and np.array_equal(outcomes[1].value["twice"], 6 * x)
    assert np.array_equal(outcomes[2].value, np.zeros(3))
    assert np.array_equal(outcomes[3].value, x) and np.array_equal(outcomes[4].value, 3 * x)
    assert np.array_equal(w, np.zeros(3))  # the grader's own array is never touched
    assert outcomes[1].args_after[0] == argument_of(0, 0)  # a reference comes back as it went


def test_a_reference_to_what_a_call_did_not_return_costs_the_check_naming_that_call(door):
    """The student's function returned no item the next call needs: a StudentProblem of kind
    wrong_type naming the function that returned it, not a crash of the worker."""
    from autograder.core.door import Call, result_of

    with pytest.raises(StudentProblem, match=r"no_dict: the next call needs item \['twice'\]") as raised:
        door.call_each([Call("no_dict", (np.zeros(2),)), Call("step", (np.zeros(2), result_of(0, "twice")))])
    assert raised.value.kind == "wrong_type" and raised.value.function == "no_dict"
    assert door.call("scale_and_sum", np.arange(2.0)).value == 3.0  # the door goes on serving


def _count_requests(door):
    """A function returning how many requests the (worker) door sent since it was made."""
    if not hasattr(door, "_request"):
        return lambda: 0
    sent = []
    original = door._request

    def counted(*args, **kwargs):
        sent.append(args[0].get("op"))
        return original(*args, **kwargs)

    door._request = counted
    return lambda: sum(op in ("call", "calls") for op in sent)


REUSED = '''
import os, threading, time
calls = 0

def count():
    global calls
    calls += 1
    return calls

def scribble():
    with open(os.path.join(os.path.dirname(__file__), "data.txt"), "w") as f:
        f.write("changed")
    return open(os.path.join(os.path.dirname(__file__), "data.txt")).read()

def read():
    return open(os.path.join(os.path.dirname(__file__), "data.txt")).read()

def leave_a_thread():
    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()

def leave_a_process():
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)

def loop():
    while True:
        pass
'''


def test_a_worker_serves_the_next_check_of_its_module_afresh(tmp_path):
    """Checks of one module share a worker while they end well: the next check imports the
    module afresh (its globals start again) in a fresh copy of the folder (what the code wrote
    there is gone). A check that timed out, or left a thread or a process running, hands over
    to a new worker; so does another module, and grading's end (finish) kills the idle one."""
    path = tmp_path / "mod" / "mod.py"
    path.parent.mkdir()
    path.write_text(REUSED)
    (path.parent / "data.txt").write_text("original")
    doors = worker_doors(Limits(), [tmp_path])

    def served(function, time_limit=30.0, module=path):
        door = doors(module, time_limit, "reuse")
        try:
            try:
                value = door.call(function).value
            except StudentProblem as problem:
                value = problem.kind
            return door._pid, value
        finally:
            door.close()

    first, _ = served("count")
    assert served("count") == (first, 1)  # the same worker, the module imported afresh
    assert served("scribble") == (first, "changed")
    assert served("read") == (first, "original")  # the folder copied afresh
    for leftover in ("leave_a_thread", "leave_a_process"):
        pid, _ = served(leftover)
        assert pid == first
        first, _ = served("count")
        assert first != pid  # what it left running went with its worker
    assert served("loop", time_limit=1.0)[1] == "timed_out"
    assert served("count")[0] != first
    other = tmp_path / "other" / "mod.py"
    other.parent.mkdir()
    other.write_text(REUSED)
    last, _ = served("count")
    assert served("count", module=other)[0] != last  # another module, another worker
    idle = served("count", module=other)[0]
    doors.finish()
    deadline = time.monotonic() + 5
    while Path(f"/proc/{idle}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{idle}").exists() or "Z" in Path(f"/proc/{idle}/stat").read_text().split(")")[1][:3]
