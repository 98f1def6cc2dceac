"""The end-to-end trainings send many steps to the worker in one request (call_each with
result_of / argument_of / Made): with the reference's functions they must give exactly what the
same training gives call by call, through either door."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

from autograder.core.door import InProcessDoor
from autograder.core.runner import Limits
from autograder.isolation.client import worker_doors
from autograder.suites import load_suite


def reference(assignment: str, kind: str):
    load_suite(assignment)
    path = ROOT / "solutions" / assignment / f"{assignment}.py"
    if kind == "in-process":
        return InProcessDoor(path)
    return worker_doors(Limits(), [path.parent])(path, 60.0, assignment)


def call_by_call(door, function):
    return lambda *args: door.call(function, *args).value


def nn_both(door):
    from autograder.suites.nn.public import door_training, train_network
    from autograder.training import digits_problem

    X, y, _, _ = digits_problem(seed=0)
    loop = train_network(call_by_call(door, "two_layer_net"),
                         lambda rows: [door.call("sgd_momentum", *row).value for row in rows], X, y)
    return door_training(door, X, y), loop


def linear_both(door, function):
    from autograder.suites.linear import SPECS, door_train, train
    from autograder.training import digits_problem

    X, y, _, _ = digits_problem(seed=0)
    return door_train(door, X, y, SPECS[function]), train(call_by_call(door, function), X, y, SPECS[function])


def lstm_both(door):
    from autograder.suites.lstm.public import DoorSequence, door_sequence_training, train_sequence

    return door_sequence_training(door, 1), train_sequence(DoorSequence(door), 1)


def conv_both(door):
    from autograder.suites.conv.public import DoorLayers, digits_images, door_convnet_training, train_convnet

    X, y, _, _ = digits_images(1)
    return door_convnet_training(door, X, y), train_convnet(DoorLayers(door), X, y)


TRAININGS = {"nn": nn_both, "svm": lambda door: linear_both(door, "svm_loss"),
             "softmax": lambda door: linear_both(door, "softmax_loss"), "lstm": lstm_both, "conv": conv_both}


@pytest.mark.parametrize("kind", ["in-process", "worker"])
@pytest.mark.parametrize("assignment", sorted(TRAININGS))
def test_a_training_in_one_request_is_the_training_call_by_call(assignment, kind):
    door = reference(assignment, kind)
    try:
        batched, loop = TRAININGS[assignment](door)
    finally:
        door.close()
    if isinstance(loop, dict):
        assert batched.keys() == loop.keys()
        batched, loop = list(batched.values()), list(loop.values())
    for a, b in zip(np.atleast_1d(batched) if not isinstance(batched, list) else batched,
                    np.atleast_1d(loop) if not isinstance(loop, list) else loop):
        assert np.array_equal(np.asarray(a), np.asarray(b))


def test_a_function_that_changes_its_argument_in_place_trains_as_call_by_call(tmp_path):
    """Every call of a batch gets its own copies: sgd_momentum that updates w in place (a bank
    bug) trains exactly as when each call gets the grader's arrays."""
    from autograder.suites.nn.public import door_training, train_network
    from autograder.training import digits_problem

    module = tmp_path / "nn" / "nn.py"
    module.parent.mkdir()
    module.write_text((ROOT / "solutions" / "nn" / "nn.py").read_text() + (
        "\n\ndef sgd_momentum(w, dw, w_prev, lr, momentum):\n"
        "    w += momentum * (w - w_prev) - lr * dw\n    return w\n"))
    door = InProcessDoor(module)
    X, y, _, _ = digits_problem(seed=0)
    loop = train_network(call_by_call(door, "two_layer_net"),
                         lambda rows: [door.call("sgd_momentum", *row).value for row in rows], X, y)
    batched = door_training(door, X, y)
    assert all(np.array_equal(batched[k], loop[k]) for k in loop)
