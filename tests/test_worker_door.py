"""Arguments as the student's code left them, through both doors. Through a worker, array
arguments live in shared memory that the grader reads back itself; the worker only says where
a container now holds something else. Every way of changing an argument must show, and an
untouched one must come back equal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.core.door import Build, InProcessDoor, StudentProblem
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
