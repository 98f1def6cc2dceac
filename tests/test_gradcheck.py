"""Numeric gradient checks accept right gradients and catch wrong ones, naming the element.

A small bank of buggy backward passes (the mistakes students make in the layers to come) is
fed to the check; each must be caught."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.core.gradcheck import expect_gradient, numeric_vjp, sample_coordinates
from autograder.core.verdicts import CheckFailure


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def affine(x, w, b):
    return x.reshape(x.shape[0], -1) @ w + b


# (name, forward f(x, w, b), which argument, backward(dout, x, w, b) -> gradient)
CORRECT = [
    ("sigmoid", lambda x: sigmoid(x), 0, lambda d, x: d * sigmoid(x) * (1 - sigmoid(x))),
    ("affine dx", affine, 0, lambda d, x, w, b: (d @ w.T).reshape(x.shape)),
    ("affine dw", affine, 1, lambda d, x, w, b: x.reshape(x.shape[0], -1).T @ d),
    ("affine db", affine, 2, lambda d, x, w, b: d.sum(axis=0)),
]
BUGGY = [
    ("sigmoid without (1 - s)", lambda x: sigmoid(x), 0, lambda d, x: d * sigmoid(x)),
    ("affine dw ignores dout", affine, 1, lambda d, x, w, b: x.reshape(x.shape[0], -1).T @ np.ones_like(d)),
    ("affine db as mean", affine, 2, lambda d, x, w, b: d.mean(axis=0)),
    ("affine dx with w instead of w.T", affine, 0,
     lambda d, x, w, b: (d @ w[:5, :5] @ np.ones((5, 6))).reshape(x.shape)),
    ("sigmoid with -s(1 - s)", lambda x: sigmoid(x), 0, lambda d, x: -d * sigmoid(x) * (1 - sigmoid(x))),
]


def inputs(rng, f):
    x = rng.normal(size=(4, 3, 2))
    if f is affine:
        return [x, rng.normal(size=(6, 5)), rng.normal(size=5)]
    return [x]


@pytest.mark.parametrize("name, f, wrt, backward", CORRECT, ids=[c[0] for c in CORRECT])
def test_right_gradients_pass(name, f, wrt, backward):
    rng = np.random.default_rng(0)
    args = inputs(rng, f)
    dout = rng.normal(size=f(*args).shape)
    expect_gradient(f, args, wrt, backward(dout, *args), dout, function=name, argument="x",
                    gradient_name="grad", rng=np.random.default_rng(1))


@pytest.mark.parametrize("name, f, wrt, backward", BUGGY, ids=[c[0] for c in BUGGY])
def test_wrong_gradients_fail_with_the_worst_element(name, f, wrt, backward):
    rng = np.random.default_rng(0)
    args = inputs(rng, f)
    dout = rng.normal(size=f(*args).shape)
    with pytest.raises(CheckFailure) as info:
        expect_gradient(f, args, wrt, backward(dout, *args), dout, function=name, argument="x",
                        gradient_name="grad", rng=np.random.default_rng(1))
    message = info.value.message
    assert "received derivative" in message and "central difference gives" in message and "at index (" in message


def test_wrong_shape_is_reported_before_values():
    with pytest.raises(CheckFailure, match=r"has shape \(3,\) but should have the shape of x, \(2, 3\)"):
        expect_gradient(lambda x: x, [np.zeros((2, 3))], 0, np.zeros(3), np.ones((2, 3)), function="f",
                        argument="x", gradient_name="dx", rng=np.random.default_rng(0))


def test_numeric_vjp_matches_a_known_gradient_and_leaves_inputs_alone():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    keep = x.copy()
    coords = sample_coordinates(x.shape, np.random.default_rng(0))
    estimate = numeric_vjp(lambda a: a**3, [x], 0, np.ones_like(x), coords)
    np.testing.assert_allclose(estimate, [3 * x[c] ** 2 for c in coords], rtol=1e-8)
    np.testing.assert_array_equal(x, keep)


def test_large_inputs_are_sampled_and_global_random_state_untouched():
    state = np.random.get_state()[1].copy()
    coords = sample_coordinates((100, 50), np.random.default_rng(3), limit=40)
    assert len(coords) == 40 == len(set(coords))
    assert np.array_equal(np.random.get_state()[1], state)
    # A gradient wrong at a single coordinate among sampled ones is caught when sampled:
    x = np.zeros((100, 50))
    grad = np.zeros_like(x)
    grad[coords[7]] = 1.0
    with pytest.raises(CheckFailure, match=rf"at index \({coords[7][0]}, {coords[7][1]}\)"):
        expect_gradient(lambda a: a * 0.0, [x], 0, grad, np.ones_like(x), function="f", argument="x",
                        gradient_name="dx", rng=np.random.default_rng(3))


def test_a_door_function_evaluates_every_perturbation_in_one_batch(tmp_path):
    """DoorFunction: numeric_vjp through a door gives what the calls one by one give, with the
    door's call_each called once per argument checked, and a wrong gradient is still caught."""
    from autograder.core.door import InProcessDoor
    from autograder.core.gradcheck import DoorFunction

    module = tmp_path / "layer.py"
    module.write_text("import numpy as np\ndef affine(x, w, b):\n    return x.reshape(x.shape[0], -1) @ w + b\n")
    door = InProcessDoor(module)
    batches = []
    original = door.call_each
    door.call_each = lambda calls: batches.append(len(calls)) or original(calls)
    rng = np.random.default_rng(0)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2)]
    dout = rng.normal(size=(3, 2))
    f = DoorFunction(door, lambda through, *a: through.call("affine", *a).value)
    coordinates = sample_coordinates((4, 2), rng)
    batched = numeric_vjp(f, args, 1, dout, coordinates)
    alone = numeric_vjp(lambda *a: door.call("affine", *a).value, args, 1, dout, coordinates)
    assert batches == [2 * len(coordinates)] and np.array_equal(batched, alone)
    x = args[0]
    expect_gradient(f, args, 1, x.T @ dout, dout, function="affine", argument="w", gradient_name="dw", rng=rng)
    with pytest.raises(CheckFailure, match="received derivative"):
        expect_gradient(f, args, 1, 2 * x.T @ dout, dout, function="affine", argument="w", gradient_name="dw",
                        rng=rng)
