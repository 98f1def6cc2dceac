"""Public checks of the two-layer network assignment (students run these with ``pytest nn``).

Forward passes are compared with PyTorch (float64); backward passes with PyTorch's autograd for
a random upstream gradient, and with central differences of the student's own forward pass.
Dropout and the initial weights are judged by their properties, never by one exact draw;
preprocessing against scikit-learn's StandardScaler.
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
    expect_finite,
    expect_float,
    expect_no_warnings,
    expect_raises,
    expect_returns,
    expect_shape,
    expect_unchanged,
)
from ...datasets import digits_split
from ...training import digits_problem, momentum_descent, momentum_step
from ..layers import call_forward, expect_gradient_array, forward_pair, numeric_layer_check, torch_vjp

FUNCTIONS = ["affine_forward(x, w, b)", "affine_backward(dout, cache)", "relu_forward(x)",
             "relu_backward(dout, cache)", "sigmoid_forward(x)",
             "sigmoid_backward(dout, cache)", "dropout_forward(x, p, train, rng)",
             "dropout_backward(dout, cache)", "preprocess(X_train, X_test)",
             "init_weights(fan_in, fan_out, rng, scheme)",
             "sgd_momentum(w, dw, w_prev, lr, momentum)",
             "two_layer_net(params, X, y, reg)"]
suite = Suite("nn", FUNCTIONS, "two-layer network", preload=["torch", "sklearn.preprocessing"], seconds=2.5)
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


# --- preprocessing and initialisation (notes 2.9.1-2.9.2) ---------------------------------------


def scaler_oracle(X_train, X_test):
    """scikit-learn's StandardScaler fitted on the training set only (population std; a
    feature with zero variance is only centred)."""
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(np.asarray(X_train, dtype=np.float64))
    return (scaler.transform(np.asarray(X_train, dtype=np.float64)),
            scaler.transform(np.asarray(X_test, dtype=np.float64)))


@dataclass(frozen=True)
class PreprocessCase:
    label: str
    train_shape: tuple
    test_rows: int
    seed: int
    integer: bool = False
    constant: tuple = ()  # features made constant (exactly) in the training set

    def data(self):
        rng = np.random.default_rng(self.seed)
        N, D = self.train_shape
        offset, scale = rng.uniform(-20, 20, size=D), rng.uniform(0.1, 10, size=D)
        X_train = rng.normal(size=(N, D)) * scale + offset
        X_test = rng.normal(size=(self.test_rows, D)) * scale * 1.5 + offset + scale  # other statistics
        for j in self.constant:
            X_train[:, j] = 3.0
        if self.integer:
            return np.rint(X_train).astype(np.int64), np.rint(X_test).astype(np.int64)
        return X_train, X_test


PREPROCESS_CASES = [PreprocessCase("train (40, 3), test (15, 3)", (40, 3), 15, 20),
                    PreprocessCase("train (200, 6), test (7, 6), features on very different scales", (200, 6), 7, 21),
                    PreprocessCase("integer input: train (30, 4) int64, test (10, 4)", (30, 4), 10, 22, integer=True)]
ZERO_SPREAD_CASES = [PreprocessCase("train (25, 4) with feature 1 constant (3.0)", (25, 4), 6, 23, constant=(1,)),
                     PreprocessCase("one training row (1, 3), three test rows", (1, 3), 3, 24)]
LEAK_HINT = Hint("nn/test_statistics_leak", "the test set was standardised with its own mean and standard "
                 "deviation: that leaks the test data into the preprocessing. Statistics come from the training "
                 "set only, and the test set is transformed with them.")
SAMPLE_STD_HINT = Hint("nn/sample_std", "that is the sample standard deviation (divided by N - 1); the contract "
                       "asks for the population one (divided by N, ddof=0), like StandardScaler.")


def preprocess_answer(door, X_train, X_test):
    value = expect_returns(door.call("preprocess", X_train, X_test).value, ["X_train_p", "X_test_p"], "preprocess")
    out = []
    for name, array, given in (("X_train_p", value[0], X_train), ("X_test_p", value[1], X_test)):
        array = expect_array(array, name, "preprocess")
        expect_shape(array, given.shape, name, "preprocess")
        if array.dtype != np.float64:
            raise CheckFailure(f"preprocess: {name} has dtype {array.dtype}; the contract asks for float64.",
                               kind="wrong_dtype")
        out.append(array)
    return out


def sample_std_answer(X_train, X_test):
    X_train, X_test = np.asarray(X_train, np.float64), np.asarray(X_test, np.float64)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    return (X_train - mean) / std, (X_test - mean) / std


def expect_preprocessed(door, X_train, X_test):
    mine_train, mine_test = preprocess_answer(door, X_train, X_test)
    train, test = scaler_oracle(X_train, X_test)
    with np.errstate(all="ignore"):
        ddof1 = sample_std_answer(X_train, X_test) if len(X_train) > 1 else (None, None)
    source = "StandardScaler fitted on X_train"
    sample_hints = [SAMPLE_STD_HINT.if_close(ddof1[0], VALUE)] if ddof1[0] is not None else []
    expect_close(mine_train, train, "X_train_p", "preprocess", tolerance=VALUE, source=source, hints=sample_hints)
    expect_close(mine_test, test, "X_test_p", "preprocess", tolerance=VALUE, source=source + " (its transform)",
                 hints=[LEAK_HINT.if_close(lambda: scaler_oracle(X_test, X_test)[1], VALUE)])


@suite.check("preprocess/values", points=2)
def preprocess_values(ctx):
    """Both sets standardised with the training set's mean and population standard deviation, as
    scikit-learn's StandardScaler fitted on X_train transforms them (the test set has other
    statistics of its own, which must not be used); integer input gives float64."""
    for row in PREPROCESS_CASES:
        X_train, X_test = row.data()
        with case(row.label):
            expect_preprocessed(ctx.student, X_train, X_test)


@suite.check("preprocess/zero_spread", points=1)
def preprocess_zero_spread(ctx):
    """A feature with zero spread in the training set is only centred (no division by 0, no nan
    or inf), as StandardScaler does; with a single training row every feature is."""
    for row in ZERO_SPREAD_CASES:
        X_train, X_test = row.data()
        with case(row.label):
            mine_train, mine_test = preprocess_answer(ctx.student, X_train, X_test)
            hint = Hint("nn/constant_feature", "a feature with zero spread in the training set has standard "
                        "deviation 0: dividing by it gives nan or inf. Such a feature is only centred.")
            expect_finite(mine_train, "X_train_p", "preprocess", hint)
            expect_finite(mine_test, "X_test_p", "preprocess", hint)
            expect_preprocessed(ctx.student, X_train, X_test)


SCHEMES = ("he", "xavier", "small")


def scheme_std(scheme: str, fan_in: int, fan_out: int) -> float:
    return {"he": np.sqrt(2 / fan_in), "xavier": np.sqrt(2 / (fan_in + fan_out)), "small": 0.01}[scheme]


def init_weights(door, fan_in, fan_out, seed, scheme):
    """The student's W, checked for shape and dtype."""
    value = door.call("init_weights", fan_in, fan_out, Build("rng", (seed,)), scheme).value
    W = expect_array(value, "W", "init_weights")
    expect_shape(W, (fan_in, fan_out), "W", "init_weights", [
        Hint("nn/init_transposed", "W is transposed: a layer with fan_in inputs and fan_out outputs has W of "
             "shape (fan_in, fan_out), as x @ W needs.", lambda a: a.shape == (fan_out, fan_in))])
    if W.dtype != np.float64:
        raise CheckFailure(f"init_weights: W has dtype {W.dtype}; the contract asks for float64.", kind="wrong_dtype")
    return W


def std_bound(n: int) -> float:
    """5 standard deviations of the relative error of the sample standard deviation of n normal
    draws (about 1 / sqrt(2 n)): a correct init fails by chance about once in 3 million runs."""
    return 5 / np.sqrt(2 * n)


def std_hints(scheme: str, fan_in: int, fan_out: int, bound: float) -> list[Hint]:
    """Known mistakes, each recognised by the standard deviation it gives."""
    target = scheme_std(scheme, fan_in, fan_out)

    def gives(std):
        return lambda measured: abs(measured / std - 1) <= bound and abs(std / target - 1) > 2 * bound

    hints = [Hint("nn/fan_out_for_fan_in", "the standard deviation was computed from fan_out; He's uses the "
                  "number of inputs of the layer (fan_in), whose sum it keeps the variance of.").when(
        gives(np.sqrt(2 / fan_out)) if scheme == "he" else lambda m: False)]
    if scheme == "xavier":
        hints.append(Hint("nn/he_for_xavier", "that is He's variance (2 / fan_in, for ReLU); Xavier's averages "
                          "the two fans: 2 / (fan_in + fan_out).").when(gives(np.sqrt(2 / fan_in))))
    if scheme == "he":
        hints.append(Hint("nn/xavier_for_he", "that is Xavier's variance (2 / (fan_in + fan_out)); He's, for "
                          "ReLU layers, is 2 / fan_in.").when(gives(np.sqrt(2 / (fan_in + fan_out)))))
        hints.append(Hint("nn/he_missing_factor_2", "that is 1 / fan_in: He's variance has a factor 2, for the half "
                          "of its inputs ReLU sets to 0.").when(gives(np.sqrt(1 / fan_in))))
    if scheme != "small":
        hints.append(Hint("nn/variance_for_std", "the scheme gives the variance; the normal's scale is the standard "
                          "deviation, its square root.").when(gives(target ** 2)))
    return hints


STD_CASES = [("he", 200, 800), ("xavier", 200, 800), ("xavier", 900, 150), ("small", 300, 400)]


@suite.check("init_weights/std", points=2)
def init_std(ctx):
    """For each scheme, on a large W (120 000 to 160 000 draws), the standard deviation of the
    entries is the scheme's (sqrt(2 / fan_in), sqrt(2 / (fan_in + fan_out)), 0.01) within a
    relative 5 / sqrt(2 n), 5 standard deviations of the sample standard deviation of n draws."""
    for index, (scheme, fan_in, fan_out) in enumerate(STD_CASES):
        expected = scheme_std(scheme, fan_in, fan_out)
        n = fan_in * fan_out
        bound = std_bound(n)
        with case(f"scheme={scheme!r}, fan_in={fan_in}, fan_out={fan_out}: std {expected:.4g} +-{bound:.2%}"):
            W = init_weights(ctx.student, fan_in, fan_out, 30 + index, scheme)
            expect_finite(W, "W", "init_weights")
            measured = float(W.std())
            if abs(measured / expected - 1) > bound:
                raise CheckFailure(f"init_weights: the entries of W have standard deviation {measured:.5g}; "
                                   f"expected {expected:.5g} within a relative {bound:.2%}.",
                                   next((h for h in std_hints(scheme, fan_in, fan_out, bound)
                                         if h.applies(measured)), None),
                                   numbers={"actual": measured, "expected": expected, "tolerance": bound * expected})


@suite.check("init_weights/mean", points=1)
def init_mean(ctx):
    """For each scheme the entries have mean 0, within 5 standard deviations of the mean of n
    draws (5 std / sqrt(n))."""
    for index, (scheme, fan_in, fan_out) in enumerate(STD_CASES):
        expected = scheme_std(scheme, fan_in, fan_out)
        bound = 5 * expected / np.sqrt(fan_in * fan_out)
        with case(f"scheme={scheme!r}, fan_in={fan_in}, fan_out={fan_out}: mean 0 +-{bound:.3g}"):
            W = init_weights(ctx.student, fan_in, fan_out, 40 + index, scheme)
            mean = float(W.mean())
            if not abs(mean) <= bound:
                raise CheckFailure(f"init_weights: the entries of W have mean {mean:.4g}; expected 0 within "
                                   f"+-{bound:.3g}.", Hint("nn/init_not_centred", "the weights are drawn from a "
                                                           "normal centred on 0: its scale is the standard "
                                                           "deviation, not its centre (loc)."),
                                   numbers={"actual": mean, "expected": 0.0, "tolerance": bound})


@suite.check("init_weights/shapes", points=1)
def init_shapes(ctx):
    """W has shape (fan_in, fan_out) and dtype float64, for every scheme and small sizes."""
    for scheme, fan_in, fan_out in [("he", 3, 5), ("xavier", 7, 2), ("small", 1, 1), ("he", 1, 4)]:
        with case(f"scheme={scheme!r}, fan_in={fan_in}, fan_out={fan_out}"):
            init_weights(ctx.student, fan_in, fan_out, 1, scheme)
    with case("default scheme (he), fan_in=4, fan_out=6"):
        W = expect_array(ctx.student.call("init_weights", 4, 6, Build("rng", (2,))).value, "W", "init_weights")
        expect_shape(W, (4, 6), "W", "init_weights")


@suite.check("init_weights/randomness", points=1)
def init_randomness(ctx):
    """W comes from rng only: same seed, same W; another seed, another W; NumPy's global random
    state is neither used nor changed."""
    with case("scheme='he', fan_in=20, fan_out=30, seeds 7, 7 and 8"):
        outcomes = [ctx.student.call("init_weights", 20, 30, Build("rng", (seed,)), "he") for seed in (7, 7, 8)]
        weights = [expect_array(o.value, "W", "init_weights") for o in outcomes]
        if any(o.global_rng_changed for o in outcomes):
            raise CheckFailure("init_weights used or reseeded NumPy's global random state (np.random.*).",
                               Hint("nn/init_global_random_state",
                                    "draw W from the rng argument (a numpy Generator: use its own methods), never "
                                    "from np.random's global state: a run must be reproducible from its seed."))
        if not np.array_equal(weights[0], weights[1]):
            raise CheckFailure("init_weights gave different W for two generators with the same seed.")
        if np.array_equal(weights[0], weights[2]):
            raise CheckFailure("init_weights gave the same W for generators with different seeds.")


@suite.check("init_weights/errors", points=1)
def init_errors(ctx):
    """ValueError for an unknown scheme (names are lower case) and for a size below 1."""
    for args, what in [((4, 5, "kaiming"), "scheme='kaiming'"), ((4, 5, "He"), "scheme='He'"),
                       ((0, 5, "he"), "fan_in=0"), ((4, 0, "xavier"), "fan_out=0"), ((-3, 5, "small"), "fan_in=-3")]:
        fan_in, fan_out, scheme = args
        with case(what):
            expect_raises("init_weights", lambda: ctx.student.call("init_weights", fan_in, fan_out,
                                                                  Build("rng", (0,)), scheme), "ValueError", what)


# End to end: the digits network trained from your preprocessing and your He initialisation.

INIT_TRAINING = {"hidden": 64, "reg": 1e-4, "learning_rate": 0.1, "momentum": 0.9, "steps": 150, "batch": 64}


def train_from(W1, W2, X, y, seed: int = 0, steps: int | None = None, losses: list | None = None) -> dict:
    """Momentum SGD of the grader's network (PyTorch's, :func:`torch_network`: this file reaches
    the students, two_layer_net in NumPy is theirs to write) from the given first weights (zero
    biases); the mini-batches come from ``seed``. ``losses`` collects the mini-batch loss of every step."""
    rng = np.random.default_rng(seed)
    params = {"W1": np.asarray(W1, np.float64), "b1": np.zeros(W1.shape[1]), "W2": np.asarray(W2, np.float64),
              "b2": np.zeros(W2.shape[1])}

    def gradients(params):
        rows = rng.choice(len(y), size=INIT_TRAINING["batch"], replace=False)
        _, loss, grads = torch_network(params, np.ascontiguousarray(X[rows], dtype=np.float64), y[rows],
                                       INIT_TRAINING["reg"])
        if losses is not None:
            losses.append(loss)
        return grads

    return momentum_descent(params, gradients, steps=steps or INIT_TRAINING["steps"],
                            learning_rate=INIT_TRAINING["learning_rate"], momentum=INIT_TRAINING["momentum"])


def torch_init(fan_in: int, fan_out: int, seed: int, scheme: str) -> np.ndarray:
    """PyTorch's initialisers on a Linear layer's (fan_out, fan_in) weight, as a (fan_in, fan_out) W."""
    import torch

    weight = torch.empty(fan_out, fan_in, dtype=torch.float64)
    generator = torch.Generator().manual_seed(seed)
    if scheme == "he":
        torch.nn.init.kaiming_normal_(weight, mode="fan_in", nonlinearity="relu", generator=generator)
    elif scheme == "xavier":
        torch.nn.init.xavier_normal_(weight, generator=generator)
    else:
        torch.nn.init.normal_(weight, std=0.01, generator=generator)
    return weight.numpy().T.copy()


@once(persist=True)
def oracle_init_accuracy(seed: int) -> float:
    """StandardScaler and PyTorch's kaiming_normal_, then the grader's training: the target."""
    X_train, y_train, X_test, y_test = digits_split(seed=seed, test_size=500)
    train, test = scaler_oracle(X_train, X_test)
    H = INIT_TRAINING["hidden"]
    params = train_from(torch_init(64, H, seed, "he"), torch_init(H, 10, seed + 1, "he"), train, y_train)
    return network_accuracy(params, test, y_test)


@suite.check("init_weights/digits_training", points=2)
def init_digits(ctx):
    """The digits (raw pixels 0..16, 64 features, some constant) standardised by your preprocess,
    and the two-layer network (H=64) initialised by your init_weights("he"), trained by the
    grader (150 steps of momentum SGD), reach the test accuracy of the same training from
    StandardScaler and PyTorch's kaiming_normal_ (0.956), within 0.01.

    Not graded, for comparison (measured with the same 150 steps and mini-batches):

    ==========================  =============  ================  ===================  =============
    data, first weights         loss, steps    loss, steps 46-55 loss, last 10 steps  test accuracy
                                1-10 (mean)    (mean)            (mean)
    ==========================  =============  ================  ===================  =============
    standardised, "he"          1.48           0.086             0.036                0.956
    raw pixels 0..16, "small"   4.46           1.69              2.17                 0.28
    ==========================  =============  ================  ===================  =============

    Without preprocessing the same learning rate is too large for inputs up to 16 and the
    "small" start learns slowly: the loss stays near log 10 = 2.3 and the accuracy far from
    the standardised run's."""
    X_train, y_train, X_test, y_test = digits_split(seed=0, test_size=500)
    H = INIT_TRAINING["hidden"]
    with case(f"digits, H={H}, {INIT_TRAINING['steps']} steps of momentum SGD from your preprocess and He init"):
        outcomes = ctx.student.call_each([("preprocess", (X_train, X_test)),
                                          ("init_weights", (64, H, Build("rng", (50,)), "he")),
                                          ("init_weights", (H, 10, Build("rng", (51,)), "he"))])
        train, test = expect_returns(outcomes[0].value, ["X_train_p", "X_test_p"], "preprocess")
        train, test = (expect_array(a, name, "preprocess") for a, name in ((train, "X_train_p"), (test, "X_test_p")))
        expect_shape(train, X_train.shape, "X_train_p", "preprocess")
        expect_shape(test, X_test.shape, "X_test_p", "preprocess")
        W1 = expect_array(outcomes[1].value, "W", "init_weights")
        W2 = expect_array(outcomes[2].value, "W", "init_weights")
        expect_shape(W1, (64, H), "W", "init_weights")
        expect_shape(W2, (H, 10), "W", "init_weights")
        for name, array, function in (("X_train_p", train, "preprocess"), ("X_test_p", test, "preprocess"),
                                      ("W", W1, "init_weights"), ("W", W2, "init_weights")):
            expect_finite(np.asarray(array, np.float64), name, function)
        with np.errstate(all="ignore"):
            params = train_from(W1, W2, np.asarray(train, np.float64), y_train)
        mine = network_accuracy(params, np.asarray(test, np.float64), y_test)
        expect_accuracy("init_weights", mine, oracle_init_accuracy(0), "init_weights: test accuracy {mine:.4f} "
                        "after training from your preprocess and init_weights('he'), below the {theirs:.4f} of the "
                        "same training from StandardScaler and PyTorch's kaiming_normal_ by more than {margin}.")


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
