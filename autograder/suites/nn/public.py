"""Public checks of the two-layer network assignment (students run these with ``pytest nn``).

Forward passes are compared with PyTorch (float64); backward passes with PyTorch's autograd for
a random upstream gradient, and with central differences of the student's own forward pass.
Dropout is judged by its properties, never by one exact mask.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.checks import Suite
from ...core.door import Build, Call, result_of
from ...core.gradcheck import DoorFunction, expect_gradient
from ...core.memo import once
from ...core.tolerances import TOLERANCES
from ...core.verdicts import (
    CheckFailure,
    Hint,
    case,
    describe_value,
    expect_accuracy,
    expect_array,
    expect_close,
    expect_float,
    expect_no_warnings,
    expect_returns,
    expect_shape,
    expect_unchanged,
)
from ...training import digits_problem, momentum_descent, momentum_step
from ..layers import call_forward, expect_gradient_array, forward_pair, numeric_layer_check, torch_vjp

FUNCTIONS = ["affine_forward(x, w, b)", "affine_backward(dout, cache)", "relu_forward(x)",
             "relu_backward(dout, cache)", "sigmoid_forward(x)",
             "sigmoid_backward(dout, cache)", "dropout_forward(x, p, train, rng)",
             "dropout_backward(dout, cache)",
             "sgd_momentum(w, dw, w_prev, lr, momentum)",
             "two_layer_net(params, X, y, reg)"]
suite = Suite("nn", FUNCTIONS, "two-layer network", preload=["torch"], seconds=2.5)
VALUE, GRADIENT = TOLERANCES["value"], TOLERANCES["gradient"]


def torch_affine(x, w, b):
    return x.reshape(x.shape[0], -1) @ w + b


def torch_relu(x):
    import torch

    return torch.relu(x)


def torch_sigmoid(x):
    import torch

    return torch.sigmoid(x)


# --- affine ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AffineCase:
    x_shape: tuple
    M: int
    seed: int

    @property
    def label(self) -> str:
        return f"x {self.x_shape}, M={self.M}"

    def data(self):
        rng = np.random.default_rng(self.seed)
        D = int(np.prod(self.x_shape[1:]))
        return rng.normal(size=self.x_shape), rng.normal(size=(D, self.M)), rng.normal(size=self.M)


AFFINE_CASES = [AffineCase((2, 3, 4), 5, 0), AffineCase((1, 6), 1, 1), AffineCase((4, 2, 3, 2), 3, 2),
                AffineCase((3, 5), 4, 3)]


@suite.check("affine_forward/values", points=2)
def affine_forward_values(ctx):
    """out = x flattened per sample @ w + b, for x of shape (N, d1, d2, ...), as in PyTorch."""
    for row in AFFINE_CASES:
        x, w, b = row.data()
        with case(row.label):
            out, _ = call_forward(ctx.student, "affine_forward", x, w, b, out_shape=(x.shape[0], row.M))
            expect_close(out, torch_affine(x.reshape(x.shape[0], -1), w, b), "out", "affine_forward",
                         tolerance=VALUE, source="x.reshape(N, -1) @ w + b in float64")


def affine_backward_answer(door, x, w, b, dout):
    _, cache = call_forward(door, "affine_forward", x, w, b, out_shape=dout.shape)
    value = expect_returns(door.call("affine_backward", dout, cache).value, ["dx", "dw", "db"], "affine_backward")
    flattened = Hint("nn/dx_flattened", "dx must come back in x's shape: reshape it to x.shape (it is flattened now).",
                     lambda a: a.size == x.size and a.shape != x.shape)
    dx = expect_gradient_array(value[0], "dx", "affine_backward", x.shape, [flattened])
    dw = expect_gradient_array(value[1], "dw", "affine_backward", w.shape,
                               [Hint("nn/dw_transposed", "dw is transposed: it has w's shape (D, M).",
                                     lambda a: a.shape == w.shape[::-1])])
    db = expect_gradient_array(value[2], "db", "affine_backward", b.shape)
    gradients = (dx, dw, db)
    return gradients


@suite.check("affine_backward/shapes", points=1)
def affine_backward_shapes(ctx):
    """dx comes back in x's shape (N, d1, d2, ...), dw in w's, db in b's."""
    for row in AFFINE_CASES:
        x, w, b = row.data()
        with case(row.label):
            affine_backward_answer(ctx.student, x, w, b, np.ones((x.shape[0], row.M)))


@suite.check("affine_backward/values", points=2)
def affine_backward_values(ctx):
    """dx, dw, db as PyTorch's autograd computes them for a random upstream gradient."""
    for row in AFFINE_CASES:
        x, w, b = row.data()
        dout = np.random.default_rng(row.seed + 100).normal(size=(x.shape[0], row.M))
        with case(row.label + ", random dout"):
            dx, dw, db = affine_backward_answer(ctx.student, x, w, b, dout)
            _, (ex, ew, eb) = torch_vjp(torch_affine, [x, w, b], dout)
            expect_close(dx, ex, "dx", "affine_backward", tolerance=GRADIENT, source="autograd")
            expect_close(dw, ew, "dw", "affine_backward", tolerance=GRADIENT, source="autograd")
            expect_close(db, eb, "db", "affine_backward", tolerance=GRADIENT, source="autograd", hints=[
                Hint("nn/db_averaged", "db is the sum of dout over the samples, not its mean.").if_close(
                    eb / x.shape[0], GRADIENT)])


@suite.check("affine_backward/numeric_gradient", points=1)
def affine_numeric(ctx):
    """dx, dw, db agree with central differences of your affine_forward."""
    x, w, b = AffineCase((3, 2, 2), 3, 7).data()
    with case("x (3, 2, 2), M=3"):
        numeric_layer_check(ctx.student, "affine_forward", "affine_backward", [x, w, b], ["x", "w", "b"], 7)


# --- ReLU and sigmoid ---------------------------------------------------------------------------


def activation_input(seed: int, shape=(4, 5)) -> np.ndarray:
    """Values away from 0 (so that ReLU's kink is not probed), with a few exact zeros mixed in."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    x = np.where(np.abs(x) < 0.05, 0.5, x)
    x.flat[:2] = 0.0
    return x


@suite.check("relu_forward/values", points=1)
def relu_forward_values(ctx):
    """max(0, x) element-wise, any shape."""
    for shape in [(4, 5), (2, 3, 4), (7,)]:
        x = activation_input(len(shape), shape)
        with case(f"x {shape}"):
            out, _ = call_forward(ctx.student, "relu_forward", x, out_shape=shape)
            expect_close(out, np.maximum(x, 0), "out", "relu_forward", tolerance=VALUE, source="max(0, x)")


@suite.check("relu_backward/values", points=1)
def relu_backward_values(ctx):
    """The gradient passes where the input was positive (0 at x == 0), as autograd says."""
    for seed in (1, 2):
        x = activation_input(seed)
        dout = np.random.default_rng(seed + 50).normal(size=x.shape)
        with case(f"x {x.shape} with exact zeros, random dout of both signs"):
            _, cache = call_forward(ctx.student, "relu_forward", x, out_shape=x.shape)
            dx = expect_gradient_array(ctx.student.call("relu_backward", dout, cache).value, "dx", "relu_backward",
                                       x.shape)
            _, (expected,) = torch_vjp(torch_relu, [x], dout)
            expect_close(dx, expected, "dx", "relu_backward", tolerance=GRADIENT, source="autograd", hints=[
                Hint("nn/relu_mask_from_dout", "the mask must come from the forward's input x (x > 0), "
                     "not from dout.").if_close(dout * (dout > 0), GRADIENT)])


@suite.check("relu_backward/numeric_gradient", points=1)
def relu_numeric(ctx):
    """dx agrees with central differences of your relu_forward (away from 0)."""
    x = activation_input(3)
    x = np.where(x == 0, 0.3, x)
    with case(f"x {x.shape}"):
        numeric_layer_check(ctx.student, "relu_forward", "relu_backward", [x], ["x"], 3)


@suite.check("sigmoid_forward/values", points=1)
def sigmoid_forward_values(ctx):
    """1 / (1 + exp(-x)) element-wise, as PyTorch computes it."""
    for shape, scale in [((4, 5), 1.0), ((3, 2, 2), 5.0), ((6,), 30.0)]:
        x = np.random.default_rng(len(shape)).normal(size=shape) * scale
        with case(f"x {shape}, values ~{scale:g}"):
            out, _ = call_forward(ctx.student, "sigmoid_forward", x, out_shape=shape)
            expected, _ = torch_vjp(torch_sigmoid, [x], np.ones(shape))
            expect_close(out, expected, "out", "sigmoid_forward", tolerance=VALUE, source="torch.sigmoid")


EXTREMES = np.array([1e4, -1e4, -800.0, 800.0, -30.0, 0.0, 36.0, -745.0])
OVERFLOW_HINT = Hint("nn/sigmoid_overflow", "np.exp(-x) overflows for x < -709: for negative x use exp(x) / "
                     "(1 + exp(x)), which only meets exp of negative numbers.")


@suite.check("sigmoid_forward/extremes", points=1)
def sigmoid_extremes(ctx):
    """x at +-1e4 and -800: the exact values (0 and 1 in float64), no overflow, no warning."""
    with case(f"x = {EXTREMES.tolist()}"):
        outcome = ctx.student.call("sigmoid_forward", EXTREMES)
        out = expect_array(forward_pair(outcome.value, "sigmoid_forward")[0], "out", "sigmoid_forward")
        expected, _ = torch_vjp(torch_sigmoid, [EXTREMES], np.ones(EXTREMES.shape))
        expect_close(out, expected, "out", "sigmoid_forward", tolerance=VALUE, source="torch.sigmoid")
        if outcome.warnings:
            raise CheckFailure(f"sigmoid_forward issued a warning for large |x|: {outcome.warnings[0]}.", OVERFLOW_HINT,
                               kind="warning")


@suite.check("sigmoid_backward/values", points=1)
def sigmoid_backward_values(ctx):
    """dx = dout * sigma * (1 - sigma), as autograd says, extremes included, without warnings."""
    for label, x in [("x (4, 5)", np.random.default_rng(4).normal(size=(4, 5)) * 3), ("extremes", EXTREMES)]:
        dout = np.random.default_rng(9).normal(size=x.shape)
        with case(label + ", random dout"):
            _, cache = call_forward(ctx.student, "sigmoid_forward", x, out_shape=x.shape)
            outcome = ctx.student.call("sigmoid_backward", dout, cache)
            dx = expect_gradient_array(outcome.value, "dx", "sigmoid_backward", x.shape)
            out, (expected,) = torch_vjp(torch_sigmoid, [x], dout)
            expect_close(dx, expected, "dx", "sigmoid_backward", tolerance=GRADIENT, source="autograd", hints=[
                Hint("nn/sigmoid_gradient_from_x", "the local gradient is sigma(x) * (1 - sigma(x)), computed "
                     "from the forward's output, not from x.").if_close(dout * x * (1 - x), GRADIENT),
                Hint("nn/sigmoid_gradient_missing_factor",
                     "the local gradient is sigma * (1 - sigma), not sigma.").if_close(dout * out, GRADIENT)])
            expect_no_warnings(outcome)


@suite.check("sigmoid_backward/numeric_gradient", points=1)
def sigmoid_numeric(ctx):
    """dx agrees with central differences of your sigmoid_forward."""
    x = np.random.default_rng(5).normal(size=(3, 4)) * 2
    with case("x (3, 4)"):
        numeric_layer_check(ctx.student, "sigmoid_forward", "sigmoid_backward", [x], ["x"], 5)


# --- dropout ------------------------------------------------------------------------------------

DROP_PROBABILITIES = (0.1, 0.5, 0.8)
KEEP_PROBABILITY_HINT = Hint("nn/p_is_keep_probability",
                             "p is the probability of dropping a unit (PyTorch's convention), not of keeping it.")


def dropout(door, x, p, train, seed):
    return call_forward(door, "dropout_forward", x, p, train, Build("rng", (seed,)), out_shape=x.shape)


def dropped_fraction_bound(p: float, n: int) -> float:
    """5 standard deviations of the fraction of n Bernoulli(p) draws: a correct dropout fails
    this by chance about once in 3 million runs (and the seeds are fixed anyway)."""
    return 5 * np.sqrt(p * (1 - p) / n)


@suite.check("dropout_forward/drop_fraction", points=2)
def dropout_fraction(ctx):
    """In training, the fraction of dropped units is p (within a binomial bound), for several p."""
    x = np.ones((200, 250))
    for p in DROP_PROBABILITIES:
        with case(f"p={p}, {x.size} units"):
            out, _ = dropout(ctx.student, x, p, True, seed=int(p * 10))
            fraction = float(np.mean(out == 0))
            bound = dropped_fraction_bound(p, x.size)
            if abs(fraction - p) > bound:
                hint = KEEP_PROBABILITY_HINT if abs(fraction - (1 - p)) <= bound else None
                raise CheckFailure(f"dropout_forward dropped {fraction:.4f} of the units with p={p}; expected "
                                   f"{p} within +-{bound:.4f}.", hint,
                                   numbers={"actual": fraction, "expected": p, "tolerance": bound})


@suite.check("dropout_forward/scaling", points=1)
def dropout_scaling(ctx):
    """Inverted dropout: every kept unit is x / (1 - p) exactly."""
    x = np.random.default_rng(3).uniform(0.5, 2.0, size=(50, 40)) * np.where(
        np.random.default_rng(4).random((50, 40)) < 0.5, -1, 1)
    for p in DROP_PROBABILITIES:
        with case(f"p={p}"):
            out, _ = dropout(ctx.student, x, p, True, seed=11)
            kept = out != 0
            if not kept.any():
                raise CheckFailure(f"dropout_forward dropped every unit with p={p}.")
            expect_close(out[kept], x[kept] / (1 - p), "out (kept units)", "dropout_forward", tolerance=VALUE,
                         source="x / (1 - p)", hints=[
                             Hint("nn/dropout_not_rescaled", "kept units are not rescaled: inverted dropout divides "
                                  "them by 1 - p, so that nothing changes at test time.").if_close(x[kept], VALUE),
                             KEEP_PROBABILITY_HINT.if_close(x[kept] / p, VALUE)])


@suite.check("dropout_forward/test_mode", points=1)
def dropout_test_mode(ctx):
    """With train=False, out is x itself, whatever p."""
    x = np.random.default_rng(5).normal(size=(20, 30))
    for p in DROP_PROBABILITIES:
        with case(f"train=False, p={p}"):
            out, _ = dropout(ctx.student, x, p, False, seed=5)
            expect_close(out, x, "out", "dropout_forward", tolerance=VALUE, source="x (no dropout at test time)",
                         hints=[Hint("nn/dropout_at_test_time",
                                     "dropout must not drop nor rescale at test time (train=False): out is x "
                                     "itself, unchanged (a copy).")])


@suite.check("dropout_forward/randomness", points=1)
def dropout_randomness(ctx):
    """The mask comes from rng only: same seed, same mask; another seed, another mask; NumPy's
    global random state is neither used nor changed."""
    x = np.ones((30, 40))
    with case("p=0.5, seeds 7, 7 and 8"):
        outcomes = [ctx.student.call("dropout_forward", x, 0.5, True, Build("rng", (seed,))) for seed in (7, 7, 8)]
        masks = []
        for outcome in outcomes:
            out = forward_pair(outcome.value, "dropout_forward")[0]
            masks.append(expect_array(out, "out", "dropout_forward") != 0)
        if any(o.global_rng_changed for o in outcomes):
            raise CheckFailure("dropout_forward used or reseeded NumPy's global random state (np.random.*).",
                               Hint("nn/global_random_state",
                                    "draw the mask from the rng argument (a numpy Generator: use its own "
                                    "methods), never from np.random's global state."))
        if not np.array_equal(masks[0], masks[1]):
            raise CheckFailure("dropout_forward gave different masks for two generators with the same seed.",
                               Hint("nn/mask_not_from_rng",
                                    "draw the mask from the rng argument, not from another source."))
        if np.array_equal(masks[0], masks[2]):
            raise CheckFailure("dropout_forward gave the same mask for generators with different seeds.")


@suite.check("dropout_backward/values", points=2)
def dropout_backward_values(ctx):
    """dx = dout * mask / (1 - p) with the forward's own mask; at test time dx = dout."""
    x = np.random.default_rng(6).uniform(0.5, 2.0, size=(30, 20))
    dout = np.random.default_rng(7).normal(size=x.shape)
    for p in (0.3, 0.6):
        with case(f"p={p}, training"):
            out, cache = dropout(ctx.student, x, p, True, seed=13)
            dx = expect_gradient_array(ctx.student.call("dropout_backward", dout, cache).value, "dx",
                                       "dropout_backward", x.shape)
            expected = dout * (out != 0) / (1 - p)
            expect_close(dx, expected, "dx", "dropout_backward", tolerance=VALUE,
                         source="dout * mask / (1 - p), with the mask of the forward pass", hints=[
                             Hint("nn/dropout_gradient_not_rescaled",
                                  "scale the gradient like the forward: divide by 1 - p.").if_close(dout * (out != 0),
                                                                                                    VALUE),
                             Hint("nn/dropout_mask_not_cached", "the units kept in backward are not those of the "
                                  "forward pass: keep the forward's mask in the cache.",
                                  lambda a: not np.array_equal(a != 0, out != 0))])
    with case("p=0.5, test time"):
        _, cache = dropout(ctx.student, x, 0.5, False, seed=13)
        dx = expect_gradient_array(ctx.student.call("dropout_backward", dout, cache).value, "dx",
                                   "dropout_backward", x.shape)
        expect_close(dx, dout, "dx", "dropout_backward", tolerance=VALUE, source="dout (no dropout at test time)")


# --- SGD with momentum --------------------------------------------------------------------------


@suite.check("sgd_momentum/values", points=2)
def momentum_values(ctx):
    """Several steps of w - lr * dw + momentum * (w - w_prev), starting with w_prev = w."""
    rng = np.random.default_rng(8)
    for lr, momentum in [(0.1, 0.9), (0.5, 0.0), (0.01, 0.5)]:
        w = rng.normal(size=(4, 3))
        w_prev = w.copy()
        with case(f"lr={lr}, momentum={momentum}, 4 steps from w_prev = w"):
            for _ in range(4):
                dw = rng.normal(size=w.shape)
                value = ctx.student.call("sgd_momentum", w, dw, w_prev, lr, momentum).value
                w_next = expect_gradient_array(value, "w_next", "sgd_momentum", w.shape)
                expected = momentum_step(w, dw, w_prev, lr, momentum)
                expect_close(w_next, expected, "w_next", "sgd_momentum", tolerance=VALUE,
                             source="w - lr * dw + momentum * (w - w_prev)", hints=[
                                 Hint("nn/momentum_sign", "the smoothing term has the wrong sign: it is added, so "
                                      "that w keeps moving the way it moved in the last step (from w_prev to w)."
                                      ).if_close(
                                     w - lr * dw - momentum * (w - w_prev), VALUE),
                                 Hint("nn/momentum_order",
                                      "the smoothing term points backwards: it follows the last step, from w_prev "
                                      "to w, not the step back from w to w_prev.").if_close(
                                     w - lr * dw + momentum * (w_prev - w), VALUE)])
                w_prev, w = w, expected


@suite.check("sgd_momentum/inputs_untouched", points=1)
def momentum_inputs(ctx):
    """w, dw and w_prev are left unchanged (w_next is a new array)."""
    rng = np.random.default_rng(9)
    args = [rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), 0.1, 0.9]
    outcome = ctx.student.call("sgd_momentum", *args)
    expect_unchanged("sgd_momentum", ["w", "dw", "w_prev", "lr", "momentum"], args, outcome)


# --- the two-layer network ----------------------------------------------------------------------


def network(D=5, H=7, C=4, N=6, seed=0, scale=0.5):
    """Parameters, inputs and labels, with every hidden pre-activation away from ReLU's kink."""
    rng = np.random.default_rng(seed)
    while True:
        params = {"W1": rng.normal(size=(D, H)) * scale, "b1": rng.normal(size=H) * 0.1,
                  "W2": rng.normal(size=(H, C)) * scale, "b2": rng.normal(size=C) * 0.1}
        X = rng.normal(size=(N, D))
        if np.min(np.abs(X @ params["W1"] + params["b1"])) > 1e-3:
            return params, X, rng.integers(0, C, size=N)


def torch_network(params, X, labels, reg):
    """(scores, loss, grads) of Linear-ReLU-Linear + cross-entropy + reg * (|W1|^2 + |W2|^2)."""
    import torch
    import torch.nn.functional as F

    p = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    scores = torch.relu(torch.from_numpy(X) @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    if labels is None:
        return scores.detach().numpy(), None, None
    loss = F.cross_entropy(scores, torch.from_numpy(np.asarray(labels, dtype=np.int64)))
    loss = loss + reg * ((p["W1"] ** 2).sum() + (p["W2"] ** 2).sum())
    loss.backward()
    return scores.detach().numpy(), loss.item(), {k: t.grad.numpy().copy() for k, t in p.items()}


def call_network(door, params, X, labels, reg):
    value = door.call("two_layer_net", params, X, labels, reg).value
    if labels is None:
        scores_returned = expect_array(value, "scores", "two_layer_net")
        expect_shape(scores_returned, (X.shape[0], params["b2"].shape[0]), "scores", "two_layer_net")
        return scores_returned
    if not isinstance(value, tuple) or len(value) != 2:
        raise CheckFailure(f"two_layer_net with labels should return (loss, grads), but returned "
                           f"{describe_value(value)}.",
                           Hint("nn/return_loss_grads", "when y is given, return loss, grads"),
                           kind="wrong_type")
    loss = expect_float(value[0], "loss", "two_layer_net")
    grads = value[1]
    if not isinstance(grads, dict) or set(grads) != set(params):
        keys = sorted(grads) if isinstance(grads, dict) else describe_value(grads)
        raise CheckFailure(f"two_layer_net: grads should be a dict with the keys of params "
                           f"{sorted(params)}; got {keys}.", kind="wrong_type")
    for key in params:
        expect_gradient_array(grads[key], f"grads[{key!r}]", "two_layer_net", params[key].shape)
    return loss, grads


@suite.check("two_layer_net/scores", points=1)
def network_scores(ctx):
    """Without labels: the scores of affine - ReLU - affine, as PyTorch computes them."""
    for seed in (0, 1):
        params, X, _ = network(seed=seed)
        with case(f"D=5, H=7, C=4, N=6, seed {seed}"):
            scores = call_network(ctx.student, params, X, None, 0.0)
            expect_close(scores, torch_network(params, X, None, 0.0)[0], "scores", "two_layer_net",
                         tolerance=VALUE, source="PyTorch's Linear-ReLU-Linear")


@suite.check("two_layer_net/loss_and_grads", points=2)
def network_loss(ctx):
    """With labels: softmax loss plus reg * (sum(W1**2) + sum(W2**2)) and every gradient, as
    PyTorch's autograd computes them, for reg = 0 and reg > 0."""
    for seed, reg in [(2, 0.0), (3, 0.0), (2, 0.3)]:
        params, X, y = network(seed=seed)
        with case(f"D=5, H=7, C=4, N=6, seed {seed}, reg={reg}"):
            loss, grads = call_network(ctx.student, params, X, y, reg)
            _, expected, expected_grads = torch_network(params, X, y, reg)
            bias_penalty = expected + reg * (np.sum(params["b1"] ** 2) + np.sum(params["b2"] ** 2))
            expect_close(np.array(loss), np.array(expected), "loss", "two_layer_net", tolerance=VALUE,
                         source="PyTorch", hints=[Hint("nn/biases_penalised",
                                                       "the penalty is on W1 and W2 only, not on the biases.").if_close(
                             np.array(bias_penalty), VALUE)])
            for key in ("W2", "b2", "W1", "b1"):
                expect_close(grads[key], expected_grads[key], f"grads[{key!r}]", "two_layer_net",
                             tolerance=GRADIENT, source="PyTorch's autograd")


@suite.check("two_layer_net/numeric_gradient", points=2)
def network_numeric(ctx):
    """Every gradient agrees with central differences of your own loss."""
    params, X, y = network(seed=4)
    reg = 0.1
    with case("D=5, H=7, C=4, N=6, reg=0.1"):
        _, grads = call_network(ctx.student, params, X, y, reg)
        for key in ("W1", "b1", "W2", "b2"):

            def loss_at(through, value, key=key):
                return call_network(through, dict(params, **{key: value}), X, y, reg)[0]

            expect_gradient(DoorFunction(ctx.student, loss_at), [params[key]], 0, grads[key], 1.0,
                            function="two_layer_net", argument=key, gradient_name=f"grads[{key!r}]",
                            rng=np.random.default_rng(4))


@suite.check("two_layer_net/inputs_untouched", points=1)
def network_inputs(ctx):
    """params and X are left as they were."""
    params, X, y = network(seed=5)
    outcome = ctx.student.call("two_layer_net", params, X, y, 0.1)
    expect_unchanged("two_layer_net", ["params", "X", "y", "reg"], [params, X, y, 0.1], outcome)


TRAINING = {"hidden": 64, "reg": 1e-4, "learning_rate": 0.1, "momentum": 0.9, "steps": 250, "batch": 64}


def training_start(X, seed: int) -> tuple[np.random.Generator, dict]:
    """The random generator of a training (which then draws the mini-batches) and its first
    parameters."""
    rng = np.random.default_rng(seed)
    D, H, C = X.shape[1], TRAINING["hidden"], 10
    return rng, {"W1": rng.normal(scale=np.sqrt(2 / D), size=(D, H)), "b1": np.zeros(H),
                 "W2": rng.normal(scale=np.sqrt(2 / H), size=(H, C)), "b2": np.zeros(C)}


def train_network(net, update_each, X, y, seed: int = 0) -> dict:
    """Mini-batch training of the two-layer network: ``net(params, X, y, reg) -> (loss, grads)``
    and ``update_each([(w, dw, w_prev, lr, momentum), ...]) -> [w_next, ...]`` for all the
    parameters of a step (the oracle's; a door's functions train with :func:`door_training`)."""
    rng, params = training_start(X, seed)

    def gradients(params):
        rows = rng.choice(len(y), size=TRAINING["batch"], replace=False)
        return net(params, X[rows], y[rows], TRAINING["reg"])[1]

    return momentum_descent(params, gradients, steps=TRAINING["steps"], learning_rate=TRAINING["learning_rate"],
                            momentum=TRAINING["momentum"], update_each=update_each)


def network_accuracy(params, X, y) -> float:
    scores = np.maximum(X @ params["W1"] + params["b1"], 0) @ params["W2"] + params["b2"]
    return float(np.mean(np.argmax(scores, axis=1) == y))


def door_training(door, X, y, seed: int = 0) -> dict:
    """:func:`train_network` with the door's two_layer_net and sgd_momentum. The first step goes
    call by call (what the functions return is checked there, with the usual messages); all the
    others in one request: step t's network and updates get (copies of) the parameters step
    t-1's updates returned, and as ``w_prev`` those step t-2's returned. They stay on the
    student's side, and only the last step's updates come back."""
    rng, first = training_start(X, seed)
    keys, lr, momentum = list(first), TRAINING["learning_rate"], TRAINING["momentum"]

    def checked(values) -> dict:
        return {k: np.asarray(expect_gradient_array(v, f"the new {k}", "sgd_momentum", first[k].shape), np.float64)
                for k, v in zip(keys, values)}

    rows = rng.choice(len(y), size=TRAINING["batch"], replace=False)
    _, grads = call_network(door, first, X[rows], y[rows], TRAINING["reg"])
    params = checked(o.value for o in door.call_each(
        [("sgd_momentum", (first[k], grads[k], first[k].copy(), lr, momentum)) for k in keys]))
    calls: list[Call] = []
    # each parameter as the grader would hold it: sent, or the result of an update call
    current: dict = dict(params)
    previous: dict = dict(first)
    for step in range(1, TRAINING["steps"]):
        rows = rng.choice(len(y), size=TRAINING["batch"], replace=False)
        net = len(calls)
        calls.append(Call("two_layer_net", (current, X[rows], y[rows], TRAINING["reg"]), send=False))
        updated = {}
        for k in keys:
            updated[k] = result_of(len(calls))
            calls.append(Call("sgd_momentum", (current[k], result_of(net, 1, k), previous[k], lr, momentum),
                              send=step == TRAINING["steps"] - 1))
        previous, current = current, updated
    if not calls:
        return params
    outcomes = door.call_each(calls)
    return checked(outcome.value for outcome in outcomes[-len(keys):])


def student_training(door, X, y) -> dict:
    params = door_training(door, X, y)
    if not all(np.all(np.isfinite(v)) for v in params.values()):
        raise CheckFailure("two_layer_net: training with your network and sgd_momentum produced nan or inf weights.",
                           kind="not_finite")
    return params


@once(persist=True)
def torch_network_accuracy(seed: int) -> float:
    """The oracle's test accuracy: deterministic, so computed once per grading process."""
    X_train, y_train, X_test, y_test = digits_problem(seed=seed)
    oracle = train_network(lambda *a: torch_network(*a)[1:], lambda rows: [momentum_step(*row) for row in rows],
                           X_train, y_train)
    return network_accuracy(oracle, X_test, y_test)


@suite.check("two_layer_net/digits_training", points=2)
def network_digits(ctx):
    """Your network and your sgd_momentum, trained on the digits, reach the accuracy of the same
    training with PyTorch's gradients and the contract's update."""
    X_train, y_train, X_test, y_test = digits_problem(seed=0)
    with case(f"digits, H={TRAINING['hidden']}, {TRAINING['steps']} steps of momentum SGD"):
        mine = network_accuracy(student_training(ctx.student, X_train, y_train), X_test, y_test)
        expect_accuracy("two_layer_net", mine, torch_network_accuracy(0), "two_layer_net: test accuracy {mine:.4f} "
                        "after training, below the {theirs:.4f} of the same training with PyTorch by more than "
                        "{margin}.")
