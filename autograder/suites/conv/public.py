"""Public checks of the convolution assignment (students run these with ``pytest conv``).

Every forward pass is compared with PyTorch's ``conv2d`` / ``max_pool2d`` in float64 over a table
of geometries (strides that do not divide the padded size, rectangular kernels and images, a 1x1
kernel, N = C = F = 1); every backward pass with PyTorch's autograd for a random upstream
gradient, and the convolution's also with central differences of the student's own forward.
Max pooling is probed where the classic checks are blind: overlapping windows and exact ties.

The residual block (built on the student's own convolution) is compared with the same block in
PyTorch, forward and by autograd, and with central differences of the student's forward; its
"floor" (w2 = 0, b2 = 0 gives relu(x)) is checked as a property. The receptive field is compared
with one measured on PyTorch stacks: the extent of the input gradient of one output unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.checks import Suite
from ...core.door import Build, Call, Handle, Made, result_of
from ...core.memo import once
from ...core.tolerances import TOLERANCES
from ...core.verdicts import (
    CheckFailure,
    Hint,
    case,
    expect_accuracy,
    expect_close,
    expect_dtype,
    expect_equal,
    expect_raises,
    expect_returns,
    expect_shape,
    expect_unchanged,
)
from ...datasets import digits_split
from ...training import momentum_descent, momentum_step
from ..layers import (
    call_forward,
    expect_backward_leaves_alone,
    expect_gradients,
    forward_pair,
    numeric_layer_check,
    torch_vjp,
)

FUNCTIONS = ["conv_forward(x, w, b, stride, pad)", "conv_backward(dout, cache)",
             "max_pool_forward(x, pool_size, stride)", "max_pool_backward(dout, cache)",
             "residual_forward(x, w1, b1, w2, b2)", "residual_backward(dout, cache)", "receptive_field(layers)"]
# The residual block is built on the student's own convolution: its failures name conv's first. seconds: 1.2 before
# the residual block and the receptive field, whose checks add about a third (0.8-1.0 s of 2.4-3.3 s here).
suite = Suite("conv", FUNCTIONS, "convolution and pooling", preload=["torch"], seconds=2.2,
              relies_on={"residual_forward": ("conv_forward",), "residual_backward": ("conv_backward",)})
VALUE, GRADIENT = TOLERANCES["value"], TOLERANCES["gradient"]


def out_size(size: int, kernel: int, stride: int, pad: int) -> int:
    return 1 + (size + 2 * pad - kernel) // stride


# --- the table of convolution geometries --------------------------------------------------------


@dataclass(frozen=True)
class ConvCase:
    N: int
    C: int
    H: int
    W: int
    F: int
    HH: int
    WW: int
    stride: int
    pad: int
    seed: int

    @property
    def label(self) -> str:
        return (f"x ({self.N}, {self.C}, {self.H}, {self.W}), w ({self.F}, {self.C}, {self.HH}, {self.WW}), "
                f"stride={self.stride}, pad={self.pad}")

    @property
    def out_shape(self) -> tuple:
        return (self.N, self.F, out_size(self.H, self.HH, self.stride, self.pad),
                out_size(self.W, self.WW, self.stride, self.pad))

    def data(self):
        rng = np.random.default_rng(self.seed)
        return (rng.normal(size=(self.N, self.C, self.H, self.W)), rng.normal(size=(self.F, self.C, self.HH, self.WW)),
                rng.normal(size=self.F))

    def upstream(self) -> np.ndarray:
        return np.random.default_rng(self.seed + 1000).normal(size=self.out_shape)


CONV_CASES = [
    ConvCase(2, 2, 6, 6, 4, 3, 3, 1, 0, 6),  # W' = F = 4: a bias added along the last axis goes unnoticed by shapes
    ConvCase(2, 3, 7, 7, 4, 3, 3, 1, 1, 0),  # the usual 3x3 "same" convolution
    ConvCase(2, 3, 8, 8, 2, 3, 3, 2, 1, 1),  # stride 2: (8 + 2 - 3) / 2 is not whole
    ConvCase(1, 2, 9, 7, 3, 3, 2, 3, 0, 2),  # rectangular image and kernel, stride 3 leaves columns over
    ConvCase(3, 1, 6, 10, 1, 2, 4, 2, 2, 3),  # C = 1, F = 1, pad 2
    ConvCase(2, 4, 5, 5, 3, 1, 1, 1, 0, 4),  # a 1x1 kernel mixes channels only
    ConvCase(1, 2, 5, 6, 2, 5, 6, 1, 0, 5),  # the kernel covers the whole image: out is 1x1
]


def torch_conv(case_: ConvCase):
    import torch.nn.functional as F

    return lambda x, w, b: F.conv2d(x, w, b, stride=case_.stride, padding=case_.pad)


def conv_alternative(x, w, b, stride, pad, *, flip=False, sides=None, bias="filters"):
    """What a common mistake computes (an oracle for hints): a flipped kernel, padding on some
    sides only, the bias left out or added along the last axis."""
    import torch
    import torch.nn.functional as F

    xt, wt = torch.from_numpy(x), torch.from_numpy(w)
    if flip:
        wt = wt.flip(2, 3)
    if sides is not None:
        xt, pad = F.pad(xt, sides), 0
    out = F.conv2d(xt, wt, stride=stride, padding=pad).numpy()
    if bias == "filters":
        return out + b[None, :, None, None]
    if bias == "last" and out.shape[-1] == b.shape[0]:
        return out + b
    return out


def conv_shape_hints(row: ConvCase) -> list[Hint]:
    N, F, s, p = row.N, row.F, row.stride, row.pad
    def shape(pad, stride):
        return (N, F, out_size(row.H, row.HH, stride, pad), out_size(row.W, row.WW, stride, pad))

    ceil = (N, F, 1 + -(-(row.H + 2 * p - row.HH) // s), 1 + -(-(row.W + 2 * p - row.WW) // s))
    return [
        Hint("conv/stride_ignored", "the stride is ignored: move the window stride pixels at a time, which also "
             "makes the output smaller (the contract's H' holds for every stride).",
             lambda a: s > 1 and a.shape == shape(p, 1)),
        Hint("conv/padding_missing", "the padding is missing: pad x with pad zeros on every side first.",
             lambda a: p > 0 and a.shape == shape(0, s)),
        Hint("conv/padded_one_side", "x is padded on one side only: add pad zeros on both sides of each axis.",
             lambda a: p > 0 and a.shape == (N, F, 1 + (row.H + p - row.HH) // s, 1 + (row.W + p - row.WW) // s)),
        Hint("conv/output_size_rounded_up", "the output size floors, as torch.nn.functional.conv2d: windows that do "
             "not fit are dropped (use // ).", lambda a: a.shape == ceil and ceil != row.out_shape),
    ]


def conv_value_hints(x, w, b, row: ConvCase) -> list[Hint]:
    s, p = row.stride, row.pad
    return [
        Hint("conv/kernel_flipped", "the kernel is flipped: the contract (like PyTorch and CS231n) uses "
             "cross-correlation, w[f] laid over the window as it is, not rotated by 180 degrees.").if_close(
            lambda: conv_alternative(x, w, b, s, p, flip=True), VALUE),
        Hint("conv/padded_one_side",
             "x is padded on one side only (bottom and right): put pad zeros on every side.").if_close(
            lambda: conv_alternative(x, w, b, s, p, sides=(0, 2 * p, 0, 2 * p)), VALUE),
        Hint("conv/padded_one_side",
             "x is padded on one side only (top and left): put pad zeros on every side.").if_close(
            lambda: conv_alternative(x, w, b, s, p, sides=(2 * p, 0, 2 * p, 0)), VALUE),
        Hint("conv/stride_missing_from_position", "the output has the right size, but window (i, j) is read at "
             "(i, j) instead of (i*stride, j*stride): the stride is missing from the window's position.").if_close(
            lambda: conv_alternative(x, w, b, 1, p)[:, :, :row.out_shape[2], :row.out_shape[3]], VALUE),
        Hint("conv/bias_missing", "the bias b[f] is missing.").if_close(
            lambda: conv_alternative(x, w, b, s, p, bias="none"), VALUE),
        Hint("conv/bias_on_last_axis", "the bias is added along the wrong axis: b[f] belongs to filter f, out[:, f] "
             "(axis 1, the filter axis), not to the last axis: shape b so that it broadcasts along axis 1.").if_close(
            lambda: conv_alternative(x, w, b, s, p, bias="last"), VALUE),
    ]


def conv(door, x, w, b, row: ConvCase):
    return call_forward(door, "conv_forward", x, w, b, row.stride, row.pad, out_shape=row.out_shape,
                        shape_hints=conv_shape_hints(row))


@suite.check("conv_forward/shapes", points=1)
def conv_shapes(ctx):
    """out is (N, F, H', W') with H' = 1 + (H + 2*pad - HH) // stride (floor), likewise W'."""
    for row in CONV_CASES:
        with case(row.label):
            conv(ctx.student, *row.data(), row)


@suite.check("conv_forward/values", points=3)
def conv_values(ctx):
    """out as torch.nn.functional.conv2d computes it (float64), over the table of geometries."""
    for row in CONV_CASES:
        x, w, b = row.data()
        with case(row.label):
            out, _ = conv(ctx.student, x, w, b, row)
            expected, _ = torch_vjp(torch_conv(row), [x, w, b], np.zeros(row.out_shape))
            expect_close(out, expected, "out", "conv_forward", tolerance=VALUE, source="F.conv2d",
                         hints=conv_value_hints(x, w, b, row))


INVALID = [
    ("the filter is larger than the padded input", dict(x=(1, 2, 4, 4), w=(3, 2, 5, 3), stride=1, pad=0)),
    ("the filter is larger than the padded input", dict(x=(1, 2, 4, 4), w=(3, 2, 3, 7), stride=1, pad=1)),
    ("stride < 1", dict(x=(1, 2, 5, 5), w=(3, 2, 3, 3), stride=0, pad=1)),
    ("pad < 0", dict(x=(1, 2, 5, 5), w=(3, 2, 3, 3), stride=1, pad=-1)),
    ("x and w have different numbers of channels", dict(x=(1, 3, 5, 5), w=(2, 2, 3, 3), stride=1, pad=1)),
]


@suite.check("conv_forward/invalid_geometry", points=1)
def conv_invalid(ctx):
    """ValueError for a filter larger than the padded input, stride < 1, pad < 0, or channels
    of x and w that differ."""
    rng = np.random.default_rng(7)
    for what, spec in INVALID:
        x, w = rng.normal(size=spec["x"]), rng.normal(size=spec["w"])
        b = rng.normal(size=spec["w"][0])
        with case(f"x {spec['x']}, w {spec['w']}, stride={spec['stride']}, pad={spec['pad']}"):
            expect_raises("conv_forward",
                          lambda: ctx.student.call("conv_forward", x, w, b, spec["stride"], spec["pad"]),
                          "ValueError", what)


def conv_gradients(door, x, w, b, row: ConvCase, dout):
    _, cache = conv(door, x, w, b, row)
    p = row.pad
    padded = Hint("conv/dx_keeps_padding", "dx still has the padding: return the gradient of x itself, in x's "
                  "shape, without the pad rows and columns that were added on each side.",
                  lambda a: p > 0 and a.shape == (*x.shape[:2], x.shape[2] + 2 * p, x.shape[3] + 2 * p))
    transposed = Hint("conv/dw_transposed", "dw is transposed.",
                      lambda a: a.shape != w.shape and sorted(a.shape) == sorted(w.shape))
    return expect_gradients(door.call("conv_backward", dout, cache).value, ["dx", "dw", "db"], "conv_backward",
                            [x.shape, w.shape, b.shape], {"dx": [padded], "dw": [transposed]})


def batch_hints(expected: np.ndarray, last_only: np.ndarray, N: int, name: str) -> list[Hint]:
    if N == 1:
        return []
    return [Hint("conv/batch_averaged", f"{name} is the sum over the images of the batch, not the mean.").if_close(
                expected / N, GRADIENT),
            Hint("conv/last_image_only", f"{name} holds the last image's contribution only: add up every image's "
                 f"({name} += ..., not {name} = ...).").if_close(last_only, GRADIENT)]


@suite.check("conv_backward/values", points=3)
def conv_backward_values(ctx):
    """dx, dw, db as PyTorch's autograd computes them for a random upstream gradient."""
    for row in CONV_CASES:
        x, w, b = row.data()
        dout = row.upstream()
        with case(row.label + ", random dout"):
            dx, dw, db = conv_gradients(ctx.student, x, w, b, row, dout)
            _, (ex, ew, eb) = torch_vjp(torch_conv(row), [x, w, b], dout)
            _, (_, last_w, last_b) = torch_vjp(torch_conv(row), [x[-1:], w, b], dout[-1:])
            expect_close(dx, ex, "dx", "conv_backward", tolerance=GRADIENT, source="autograd", hints=[
                Hint("conv/dx_kernel_flipped", "dx uses the kernel flipped: each output position sends dout * w[f] "
                     "back to the window it read, w as it is.").if_close(
                    lambda: torch_vjp(torch_conv(row), [x, w[:, :, ::-1, ::-1], b], dout)[1][0], GRADIENT)])
            expect_close(dw, ew, "dw", "conv_backward", tolerance=GRADIENT, source="autograd",
                         hints=batch_hints(ew, last_w, row.N, "dw"))
            expect_close(db, eb, "db", "conv_backward", tolerance=GRADIENT, source="autograd",
                         hints=[*batch_hints(eb, last_b, row.N, "db"),
                                Hint("conv/db_averaged", "db is the sum of dout over the images and the positions, "
                                     "not the mean.").if_close(dout.mean(axis=(0, 2, 3)), GRADIENT)])


@suite.check("conv_backward/numeric_gradient", points=2)
def conv_numeric(ctx):
    """dx, dw, db agree with central differences of your conv_forward (stride 2, pad 1)."""
    row = ConvCase(2, 2, 5, 6, 3, 3, 2, 2, 1, 8)
    with case(row.label):
        numeric_layer_check(ctx.student, "conv_forward", "conv_backward", list(row.data()), ["x", "w", "b"], 8,
                            options=(row.stride, row.pad))


@suite.check("conv_backward/inputs_untouched", points=1)
def conv_inputs(ctx):
    """conv_forward leaves x, w, b as they were; conv_backward leaves dout and the cache (which
    may hold your x and w): calling it twice gives the same gradients."""
    row = CONV_CASES[2]
    x, w, b = row.data()
    outcome = ctx.student.call("conv_forward", x, w, b, row.stride, row.pad)
    expect_unchanged("conv_forward", ["x", "w", "b", "stride", "pad"], [x, w, b, row.stride, row.pad], outcome)
    _, cache = forward_pair(outcome.value, "conv_forward")
    expect_backward_leaves_alone(ctx.student, "conv_backward", {"dout": row.upstream()}, cache,
                                 ["dx", "dw", "db"], [x.shape, w.shape, b.shape],
                                 Hint("conv/cache_changed_in_place", "conv_backward changed something in its cache "
                                      "(an in-place operation on the cached x or w?)."))


# --- max pooling --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolCase:
    shape: tuple
    pool_size: int
    stride: int
    seed: int

    @property
    def label(self) -> str:
        overlap = ", overlapping windows" if self.stride < self.pool_size else ""
        return f"x {self.shape}, pool_size={self.pool_size}, stride={self.stride}{overlap}"

    @property
    def out_shape(self) -> tuple:
        N, C, H, W = self.shape
        return (N, C, out_size(H, self.pool_size, self.stride, 0), out_size(W, self.pool_size, self.stride, 0))

    def data(self, ties: bool = False) -> np.ndarray:
        """Distinct values (a permutation, so no window has a tie), or small integers (many ties)."""
        rng = np.random.default_rng(self.seed)
        if ties:
            return rng.integers(0, 3, size=self.shape).astype(np.float64)
        return (rng.permutation(int(np.prod(self.shape))).reshape(self.shape) - 40.0) / 7.0

    def upstream(self) -> np.ndarray:
        return np.random.default_rng(self.seed + 1000).normal(size=self.out_shape)


POOL_CASES = [PoolCase((2, 3, 8, 8), 2, 2, 0), PoolCase((1, 2, 7, 9), 2, 2, 1), PoolCase((2, 1, 6, 6), 3, 3, 2),
              PoolCase((1, 1, 7, 8), 2, 3, 3)]  # stride 3 > pool_size 2: gaps between windows
OVERLAPPING = [PoolCase((2, 2, 7, 7), 3, 1, 4), PoolCase((1, 3, 9, 8), 3, 2, 5), PoolCase((2, 1, 6, 5), 2, 1, 6)]


def torch_pool(row: PoolCase):
    import torch.nn.functional as F

    return lambda x: F.max_pool2d(x, row.pool_size, row.stride)


def pool(door, x, row: PoolCase):
    ignored = Hint("conv/pool_stride_ignored", "the stride is ignored: the window moves stride pixels at a time, "
                   "which also sets the output size (the contract gives H').",
                   lambda a: row.stride != 1 and a.shape[2:] == tuple(s - row.pool_size + 1 for s in row.shape[2:]))
    as_pool = Hint("conv/pool_stride_is_pool_size", "the stride is taken to be pool_size: use the stride argument.",
                   lambda a: a.shape == PoolCase(row.shape, row.pool_size, row.pool_size, 0).out_shape)
    return call_forward(door, "max_pool_forward", x, row.pool_size, row.stride, out_shape=row.out_shape,
                        shape_hints=[ignored, as_pool])


def pool_gradient(door, x, row: PoolCase, dout) -> np.ndarray:
    _, cache = pool(door, x, row)
    return expect_gradients(door.call("max_pool_backward", dout, cache).value, ["dx"], "max_pool_backward",
                            [x.shape])[0]


ASSIGNED_HINT = Hint("conv/pool_gradient_assigned", "where windows overlap, one position can be the maximum of "
                     "several windows: add their gradients (dx[...] += ...), do not overwrite them (dx[...] = ...).")


def routed(x, row: PoolCase, dout, rule: str) -> np.ndarray:
    """The gradient a common mistake routes (an oracle for hints): ``"assign"`` writes each
    window's gradient with ``=`` (the last window wins where windows overlap), ``"all"`` sends
    it to every tied maximum, ``"last"`` to the last one."""
    dx = np.zeros_like(x)
    N, C, H_out, W_out = dout.shape
    k, s = row.pool_size, row.stride
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * s:i * s + k, j * s:j * s + k].reshape(N, C, k * k)
            top = window == window.max(axis=2, keepdims=True)
            if rule == "all":
                chosen = top
            else:
                index = k * k - 1 - np.argmax(top[:, :, ::-1], axis=2) if rule == "last" else np.argmax(top, axis=2)
                chosen = np.arange(k * k) == index[..., None]
            contribution = (chosen * dout[:, :, i, j, None]).reshape(N, C, k, k)
            target = dx[:, :, i * s:i * s + k, j * s:j * s + k]
            if rule == "assign":
                target[chosen.reshape(N, C, k, k)] = contribution[chosen.reshape(N, C, k, k)]
            else:
                target += contribution
    return dx


@suite.check("max_pool_forward/values", points=2)
def pool_values(ctx):
    """out as torch.nn.functional.max_pool2d computes it, overlapping windows and sizes the
    stride does not divide included."""
    for row in POOL_CASES + OVERLAPPING:
        x = row.data()
        with case(row.label):
            out, _ = pool(ctx.student, x, row)
            expected, _ = torch_vjp(torch_pool(row), [x], np.zeros(row.out_shape))
            expect_close(out, expected, "out", "max_pool_forward", tolerance=VALUE, source="F.max_pool2d")


@suite.check("max_pool_backward/values", points=2)
def pool_backward_values(ctx):
    """Each window's gradient goes to the position of its maximum, as autograd says (windows
    that do not overlap, no ties)."""
    for row in POOL_CASES:
        x, dout = row.data(), row.upstream()
        with case(row.label + ", random dout"):
            dx = pool_gradient(ctx.student, x, row, dout)
            _, (expected,) = torch_vjp(torch_pool(row), [x], dout)
            expect_close(dx, expected, "dx", "max_pool_backward", tolerance=GRADIENT, source="autograd")


@suite.check("max_pool_backward/overlapping_windows", points=2)
def pool_overlapping(ctx):
    """Windows overlap (3x3 at stride 1 and 2, 2x2 at stride 1): a position that is the maximum
    of several windows receives the sum of their gradients."""
    for row in OVERLAPPING:
        x, dout = row.data(), row.upstream()
        with case(row.label + ", random dout"):
            dx = pool_gradient(ctx.student, x, row, dout)
            _, (expected,) = torch_vjp(torch_pool(row), [x], dout)
            expect_close(dx, expected, "dx", "max_pool_backward", tolerance=GRADIENT, source="autograd", hints=[
                ASSIGNED_HINT.if_close(lambda: routed(x, row, dout, "assign"), GRADIENT)])


@suite.check("max_pool_backward/ties", points=1)
def pool_ties(ctx):
    """Windows with several equal maxima: the whole gradient goes to the first of them in
    row-major order, as PyTorch does."""
    for row in (POOL_CASES[0], OVERLAPPING[0], POOL_CASES[1]):
        x, dout = row.data(ties=True), row.upstream()
        with case(row.label + ", values in {0, 1, 2} (many ties)"):
            dx = pool_gradient(ctx.student, x, row, dout)
            _, (expected,) = torch_vjp(torch_pool(row), [x], dout)
            expect_close(dx, expected, "dx", "max_pool_backward", tolerance=GRADIENT, source="autograd", hints=[
                Hint("conv/pool_every_tie", "with ties, only the first maximum in row-major order gets the gradient "
                     "(np.argmax of the flattened window), not every position equal to the maximum.").if_close(
                    lambda: routed(x, row, dout, "all"), GRADIENT),
                Hint("conv/pool_last_tie", "with ties, the gradient goes to the first maximum in row-major order, not "
                     "the last.").if_close(lambda: routed(x, row, dout, "last"), GRADIENT),
                ASSIGNED_HINT.if_close(lambda: routed(x, row, dout, "assign"), GRADIENT)])


@suite.check("max_pool_backward/inputs_untouched", points=1)
def pool_inputs(ctx):
    """max_pool_forward leaves x as it was; max_pool_backward leaves dout and the cache (which
    may hold your x): calling it twice gives the same dx."""
    row = OVERLAPPING[0]
    x, dout = row.data(), row.upstream()
    outcome = ctx.student.call("max_pool_forward", x, row.pool_size, row.stride)
    expect_unchanged("max_pool_forward", ["x", "pool_size", "stride"], [x, row.pool_size, row.stride], outcome)
    _, cache = forward_pair(outcome.value, "max_pool_forward")
    expect_backward_leaves_alone(ctx.student, "max_pool_backward", {"dout": dout}, cache, ["dx"],
                                 [x.shape], Hint("conv/cache_changed_in_place", "max_pool_backward changed something "
                                                 "in its cache (an in-place operation on the cached x?)."))


# --- end to end: a small convolutional network on the digits ----------------------------------

# Sized for the slowest correct code a course teaches: with four nested loops per layer (CS231n's
# first version, tests/bugbank/conv/correct_naive_loops.py) a step takes about 0.1 s of CPU, so
# the 60 steps use a third of the 30 s limit; a flipped kernel, padding on one side or an average
# pool still ends 0.2 or more below PyTorch's accuracy (about 0.81).
CONVNET = {"filters": 4, "learning_rate": 0.1, "momentum": 0.9, "steps": 60, "batch": 16}


def digits_images(seed: int):
    """scikit-learn's 8x8 digits as (N, 1, 8, 8) images in [0, 1]: train and test splits."""
    X_train, y_train, X_test, y_test = digits_split(seed=seed, test_size=500)
    return X_train.reshape(-1, 1, 8, 8) / 16.0, y_train, X_test.reshape(-1, 1, 8, 8) / 16.0, y_test


class TorchLayers:
    """The oracle's conv and pool layers, with the assignment's interface, from PyTorch."""

    @staticmethod
    def conv_forward(x, w, b, stride, pad):
        import torch
        import torch.nn.functional as F

        tensors = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
        out = F.conv2d(*tensors, stride=stride, padding=pad)
        return out.detach().numpy(), (tensors, out)

    @staticmethod
    def conv_backward(dout, cache):
        import torch

        tensors, out = cache
        return tuple(g.numpy() for g in torch.autograd.grad(out, tensors, torch.from_numpy(dout)))

    @staticmethod
    def max_pool_forward(x, pool_size, stride):
        import torch
        import torch.nn.functional as F

        tensor = torch.tensor(x, requires_grad=True)
        out = F.max_pool2d(tensor, pool_size, stride)
        return out.detach().numpy(), (tensor, out)

    @staticmethod
    def max_pool_backward(dout, cache):
        import torch

        tensor, out = cache
        return torch.autograd.grad(out, tensor, torch.from_numpy(dout))[0].numpy()


def layer_output(value, function: str):
    """(out as float64, cache) of a *_forward's value."""
    out, cache = forward_pair(value, function)
    return np.asarray(out, dtype=np.float64), cache


class DoorLayers:
    """The same interface, through a door (the student's or the reference's functions)."""

    def __init__(self, door) -> None:
        self.door = door

    def __getattr__(self, name: str):
        def call(*args):
            # A forward pass's cache stays on the student's side, for their backward pass only.
            value = self.door.call_keeping(name, (1,) if name.endswith("_forward") else (), *args).value
            if name.endswith("_backward") and isinstance(args[-1], Handle):
                self.door.release([args[-1]])
            if name.endswith("_forward"):
                return layer_output(value, name)
            if name == "conv_backward":
                return tuple(np.asarray(v, dtype=np.float64) for v in expect_returns(value, ("dx", "dw", "db"), name))
            return np.asarray(value, dtype=np.float64)

        return call


def convnet_scores(layers, params, x):
    """conv 3x3 (pad 1) - ReLU - max pool 2x2 - affine: the scores and what backward needs."""
    a, conv_cache = layers.conv_forward(x, params["w"], params["b"], 1, 1)
    pooled, pool_cache = layers.max_pool_forward(np.maximum(a, 0), 2, 2)
    features = pooled.reshape(len(x), -1)
    return features @ params["W"] + params["c"], (a, conv_cache, pooled, pool_cache, features)


def convnet_start(seed: int) -> tuple[np.random.Generator, dict]:
    """The random generator of a convnet training (which then draws the mini-batches) and its
    first parameters."""
    rng = np.random.default_rng(seed)
    F = CONVNET["filters"]
    hidden = F * 4 * 4
    return rng, {"w": rng.normal(scale=np.sqrt(2 / 9), size=(F, 1, 3, 3)), "b": np.zeros(F),
                 "W": rng.normal(scale=np.sqrt(2 / hidden), size=(hidden, 10)), "c": np.zeros(10)}


def convnet_head(scores, features, pooled, params, labels) -> tuple[dict, np.ndarray]:
    """The grader's affine layer and softmax loss: the gradients of W and c, and dpooled. The
    loss's gradient comes from PyTorch's autograd: this file reaches the students, and the
    softmax assignment asks them for it."""
    import torch
    import torch.nn.functional as F

    logits = torch.tensor(scores, dtype=torch.float64, requires_grad=True)
    F.cross_entropy(logits, torch.from_numpy(np.asarray(labels, dtype=np.int64))).backward()
    dscores = logits.grad.numpy()
    return {"W": features.T @ dscores, "c": dscores.sum(axis=0)}, (dscores @ params["W"].T).reshape(pooled.shape)


def finite_convnet(params) -> None:
    if not all(np.all(np.isfinite(v)) for v in params.values()):
        raise CheckFailure("training with your conv and pool layers produced nan or inf weights.", kind="not_finite")


def train_convnet(layers, X, y, seed: int = 0) -> dict:
    """Mini-batch training with the notes' momentum update; conv and pool come from ``layers``,
    ReLU, the affine layer and the softmax loss are the grader's own (the oracle's and the
    reference's; a door's layers train with :func:`door_convnet_training`)."""
    rng, params = convnet_start(seed)

    def gradients(params):
        rows = rng.choice(len(y), size=CONVNET["batch"], replace=False)
        scores, (a, conv_cache, pooled, pool_cache, features) = convnet_scores(layers, params, X[rows])
        grads, dpooled = convnet_head(scores, features, pooled, params, y[rows])
        da = layers.max_pool_backward(dpooled, pool_cache) * (a > 0)
        _, grads["w"], grads["b"] = layers.conv_backward(da, conv_cache)
        return grads

    return momentum_descent(params, gradients, steps=CONVNET["steps"], learning_rate=CONVNET["learning_rate"],
                            momentum=CONVNET["momentum"], after_step=finite_convnet)


def door_convnet_training(door, X, y, seed: int = 0) -> dict:
    """:func:`train_convnet` with the door's conv and pool layers, one request per step instead
    of four: step t's backward passes (ReLU's mask between them, the grader's arithmetic made on
    the student's side), the momentum update of w and b, and step t+1's forward passes go
    together; the caches stay on the student's side. The first step goes call by call, so that
    what the layers return is checked with the usual messages."""
    rng, params = convnet_start(seed)
    lr, momentum, batch = CONVNET["learning_rate"], CONVNET["momentum"], CONVNET["batch"]
    previous = {k: v.copy() for k, v in params.items()}
    layers = DoorLayers(door)
    rows = rng.choice(len(y), size=batch, replace=False)
    scores, (a, conv_cache, pooled, pool_cache, features) = convnet_scores(layers, params, X[rows])
    for step in range(CONVNET["steps"]):
        grads, dpooled = convnet_head(scores, features, pooled, params, y[rows])
        last = step == CONVNET["steps"] - 1
        if not last:
            rows = rng.choice(len(y), size=batch, replace=False)  # drawn where train_convnet draws it
        if step == 0:
            da = layers.max_pool_backward(dpooled, pool_cache) * (a > 0)
            _, grads["w"], grads["b"] = layers.conv_backward(da, conv_cache)
            new = {k: momentum_step(params[k], grads[k], previous[k], lr, momentum) for k in params}
            if not last:
                scores, (a, conv_cache, pooled, pool_cache, features) = convnet_scores(layers, new, X[rows])
        else:
            parts: list = [
                Call("max_pool_backward", (dpooled, pool_cache), send=False),
                Made(Build("relu_mask", (result_of(0), a)), send=False),
                Call("conv_backward", (result_of(1), conv_cache), send=False),
                *(Made(Build("momentum_step", (params[k], Build("float64", (result_of(2, i),)), previous[k], lr,
                                                momentum))) for i, k in ((1, "w"), (2, "b")))]
            if not last:
                parts += [Call("conv_forward", (X[rows], result_of(3), result_of(4), 1, 1), keep=(1,)),
                          Made(Build("relu", (Build("float64", (result_of(5, 0),)),)), send=False),
                          Call("max_pool_forward", (result_of(6), 2, 2), keep=(1,))]
            outcomes = door.call_each(parts)
            door.release([pool_cache, conv_cache])
            new = {"w": np.asarray(outcomes[3].value, dtype=np.float64),
                   "b": np.asarray(outcomes[4].value, dtype=np.float64)}
            new.update({k: momentum_step(params[k], grads[k], previous[k], lr, momentum) for k in ("W", "c")})
            if not last:
                a, conv_cache = layer_output(outcomes[5].value, "conv_forward")
                pooled, pool_cache = layer_output(outcomes[7].value, "max_pool_forward")
                features = pooled.reshape(batch, -1)
                scores = features @ new["W"] + new["c"]
        previous, params = params, {k: new[k] for k in params}
        finite_convnet(params)
    return params


def convnet_accuracy(layers, params, X, y) -> float:
    return float(np.mean(np.argmax(convnet_scores(layers, params, X)[0], axis=1) == y))


def trained_accuracy(layers, seed: int) -> float:
    """Test accuracy after training with ``layers`` (TorchLayers, or DoorLayers of a door); the
    test pass always uses PyTorch's layers, so that the weights are judged, not the student's
    forward pass."""
    X_train, y_train, X_test, y_test = digits_images(seed)
    trained = (door_convnet_training(layers.door, X_train, y_train) if isinstance(layers, DoorLayers)
               else train_convnet(layers, X_train, y_train))
    return convnet_accuracy(TorchLayers, trained, X_test, y_test)


@once(persist=True)
def torch_accuracy(seed: int) -> float:
    """The oracle's accuracy: deterministic, so computed once per grading process."""
    return trained_accuracy(TorchLayers, seed)


@suite.check("max_pool_backward/digits_convnet", points=2)
def conv_digits(ctx):
    """A small network of your conv and pool layers (conv 3x3 - ReLU - pool 2x2 - affine - softmax)
    trained on scikit-learn's 8x8 digits reaches the accuracy of the same training with PyTorch's."""
    with case(f"digits, {CONVNET['filters']} filters, {CONVNET['steps']} steps of momentum SGD"):
        expect_accuracy("max_pool_backward", trained_accuracy(DoorLayers(ctx.student), 0), torch_accuracy(0),
                        "conv: test accuracy {mine:.4f} after training with your layers, below the {theirs:.4f} "
                        "of the same training with PyTorch's by more than {margin}.")


# --- the residual block (notes 3.8) -----------------------------------------------------------


@dataclass(frozen=True)
class ResidualCase:
    N: int
    C: int
    H: int
    W: int
    k: int
    seed: int

    @property
    def label(self) -> str:
        C, k = self.C, self.k
        return f"x ({self.N}, {C}, {self.H}, {self.W}), w1 and w2 ({C}, {C}, {k}, {k}), pad={k // 2}"

    @property
    def shape(self) -> tuple:
        return (self.N, self.C, self.H, self.W)

    def data(self) -> list[np.ndarray]:
        """x, w1, b1, w2, b2: weights scaled by 1/sqrt(C k k), so that about half of each ReLU's
        inputs are positive and the shortcut and the convolutions weigh about the same."""
        rng = np.random.default_rng(self.seed)
        scale = 1 / np.sqrt(self.C * self.k * self.k)
        kernel = (self.C, self.C, self.k, self.k)
        return [rng.normal(size=self.shape), rng.normal(scale=scale, size=kernel), rng.normal(scale=0.5, size=self.C),
                rng.normal(scale=scale, size=kernel), rng.normal(scale=0.5, size=self.C)]

    def upstream(self) -> np.ndarray:
        return np.random.default_rng(self.seed + 1000).normal(size=self.shape)


RESIDUAL_CASES = [
    ResidualCase(2, 3, 6, 6, 3, 10),  # the usual 3x3 block
    ResidualCase(1, 2, 5, 7, 3, 11),  # N = 1, a rectangular image
    ResidualCase(2, 1, 7, 5, 5, 12),  # C = 1, a 5x5 kernel (pad 2)
    ResidualCase(3, 4, 4, 6, 1, 13),  # a 1x1 kernel (pad 0): channels mixed, no neighbours
]
RESIDUAL_GRADIENTS = ["dx", "dw1", "db1", "dw2", "db2"]


def torch_residual(k: int, *, shortcut: bool = True, relu_after_sum: bool = True):
    """The block in PyTorch; the flags give what two common mistakes compute instead."""
    import torch.nn.functional as F

    def block(x, w1, b1, w2, b2):
        z = F.conv2d(F.relu(F.conv2d(x, w1, b1, padding=k // 2)), w2, b2, padding=k // 2)
        if not relu_after_sum:
            return F.relu(z) + x
        return F.relu(z + x) if shortcut else F.relu(z)

    return block


def residual_value_hints(inputs, k: int) -> list[Hint]:
    return [
        Hint("conv/residual_relu_before_add", "the last ReLU comes after the shortcut is added, not before: the "
             "block adds x to the second convolution's output and then applies the ReLU to the sum.").if_close(
            lambda: torch_vjp(torch_residual(k, relu_after_sum=False), inputs, np.zeros(inputs[0].shape))[0], VALUE),
        Hint("conv/residual_no_shortcut", "the shortcut is missing: x itself is added to the second convolution's "
             "output (before the last ReLU).").if_close(
            lambda: torch_vjp(torch_residual(k, shortcut=False), inputs, np.zeros(inputs[0].shape))[0], VALUE),
    ]


def residual(door, inputs, row: ResidualCase):
    pad = row.k // 2
    return call_forward(door, "residual_forward", *inputs, out_shape=row.shape, shape_hints=[
        Hint("conv/residual_padding", "out must have x's shape: both convolutions pad by k // 2 on every side, "
             "so that a stride-1 convolution keeps the size.",
             lambda a: a.shape[:2] == row.shape[:2] and a.shape[2:] != row.shape[2:] and pad > 0)])


GRADIENT_ORDER = Hint("conv/residual_gradient_order", "return the gradients in the order of the forward's "
                      "arguments: (dx, dw1, db1, dw2, db2).", lambda a: a.ndim == 1 or a.ndim == 4)


def residual_gradients(door, inputs, row: ResidualCase, dout) -> tuple[np.ndarray, ...]:
    _, cache = residual(door, inputs, row)
    shapes = [a.shape for a in inputs]
    return expect_gradients(door.call("residual_backward", dout, cache).value, RESIDUAL_GRADIENTS,
                            "residual_backward", shapes, {name: [GRADIENT_ORDER] for name in RESIDUAL_GRADIENTS[1:]})


@suite.check("residual_forward/values", points=3)
def residual_values(ctx):
    """out = relu(conv(relu(conv(x, w1, b1)), w2, b2) + x) as PyTorch computes it (F.conv2d with
    padding k // 2), for 1x1, 3x3 and 5x5 kernels, C = 1 and N = 1."""
    for row in RESIDUAL_CASES:
        inputs = row.data()
        with case(row.label):
            out, _ = residual(ctx.student, inputs, row)
            expected, _ = torch_vjp(torch_residual(row.k), inputs, np.zeros(row.shape))
            expect_close(out, expected, "out", "residual_forward", tolerance=VALUE, source="PyTorch's block",
                         hints=residual_value_hints(inputs, row.k))


def zero_branch(row: ResidualCase) -> list[np.ndarray]:
    x, w1, b1, w2, b2 = row.data()
    return [x, w1, b1, np.zeros_like(w2), np.zeros_like(b2)]


@suite.check("residual_forward/zero_branch_is_relu", points=1)
def residual_floor(ctx):
    """With w2 = 0 and b2 = 0 the block is relu(x): the shortcut passes the input on whatever the
    convolutions learned (the notes' floor)."""
    for row in RESIDUAL_CASES[:3]:
        inputs = zero_branch(row)
        with case(row.label + ", w2 = 0, b2 = 0"):
            out, _ = residual(ctx.student, inputs, row)
            expect_close(out, np.maximum(inputs[0], 0), "out", "residual_forward", tolerance=VALUE,
                         source="relu(x)", hints=residual_value_hints(inputs, row.k))


NO_SHORTCUT_GRAD = Hint("conv/residual_no_shortcut_grad", "dx lacks the shortcut's gradient: x reaches out along two "
                        "paths, through the convolutions and directly (+ x), and dx is the sum of what comes back "
                        "along both.")
SHORTCUT_SKIPS_RELU = Hint("conv/residual_shortcut_skips_relu", "the shortcut's gradient must go through the last "
                           "ReLU too: the sum conv(h) + x is what the ReLU gated, so both branches receive the "
                           "gated gradient, not dout itself.")


@suite.check("residual_backward/zero_branch_passes_gradient", points=1)
def residual_floor_gradient(ctx):
    """With w2 = 0 and b2 = 0, dx is the gradient of relu(x): the shortcut carries dout back
    where x > 0, and dw1, db1 are zero."""
    for row in RESIDUAL_CASES[:3]:
        inputs, dout = zero_branch(row), row.upstream()
        x = inputs[0]
        with case(row.label + ", w2 = 0, b2 = 0, random dout"):
            dx, dw1, db1, _, _ = residual_gradients(ctx.student, inputs, row, dout)
            expect_close(dx, dout * (x > 0), "dx", "residual_backward", tolerance=GRADIENT,
                         source="the gradient of relu(x)", hints=[
                             NO_SHORTCUT_GRAD.if_close(np.zeros_like(x), GRADIENT),
                             SHORTCUT_SKIPS_RELU.if_close(dout, GRADIENT)])
            expect_close(dw1, np.zeros_like(inputs[1]), "dw1", "residual_backward", tolerance=GRADIENT,
                         source="zero (nothing reaches the first convolution when w2 = 0)")
            expect_close(db1, np.zeros_like(inputs[2]), "db1", "residual_backward", tolerance=GRADIENT,
                         source="zero (nothing reaches the first convolution when w2 = 0)")


RESIDUAL_INVALID = [
    ("the kernel size k is even", dict(x=(1, 2, 1, 1), w1=(2, 2, 2, 2), w2=(2, 2, 2, 2))),
    ("the kernel size k is even", dict(x=(2, 3, 6, 6), w1=(3, 3, 4, 4), w2=(3, 3, 4, 4))),
    ("w1's input channels are not C", dict(x=(1, 3, 5, 5), w1=(3, 2, 3, 3), w2=(3, 3, 3, 3))),
    ("w2 has other channels than C", dict(x=(1, 3, 5, 5), w1=(3, 3, 3, 3), w2=(2, 3, 3, 3))),
]


@suite.check("residual_forward/invalid", points=1)
def residual_invalid(ctx):
    """ValueError for an even kernel size (pad = k // 2 could not keep the size) or weights whose
    channels are not those of x."""
    rng = np.random.default_rng(17)
    for what, spec in RESIDUAL_INVALID:
        x, w1, w2 = (rng.normal(size=spec[name]) for name in ("x", "w1", "w2"))
        b1, b2 = rng.normal(size=spec["w1"][0]), rng.normal(size=spec["w2"][0])
        with case(f"x {spec['x']}, w1 {spec['w1']}, w2 {spec['w2']}"):
            expect_raises("residual_forward", lambda: ctx.student.call("residual_forward", x, w1, b1, w2, b2),
                          "ValueError", what)


@suite.check("residual_backward/values", points=3)
def residual_backward_values(ctx):
    """dx, dw1, db1, dw2, db2 as PyTorch's autograd computes them for a random upstream gradient;
    dx includes the shortcut's path."""
    for row in RESIDUAL_CASES:
        inputs, dout = row.data(), row.upstream()
        with case(row.label + ", random dout"):
            grads = residual_gradients(ctx.student, inputs, row, dout)
            out, expected = torch_vjp(torch_residual(row.k), inputs, dout)
            gated = dout * (out > 0)
            for index, name in enumerate(RESIDUAL_GRADIENTS):
                hints = [] if index else [NO_SHORTCUT_GRAD.if_close(expected[0] - gated, GRADIENT),
                                          SHORTCUT_SKIPS_RELU.if_close(expected[0] - gated + dout, GRADIENT)]
                expect_close(grads[index], expected[index], name, "residual_backward", tolerance=GRADIENT,
                             source="autograd", hints=hints)


@suite.check("residual_backward/numeric_gradient", points=2)
def residual_numeric(ctx):
    """dx, dw1, db1, dw2, db2 agree with central differences of your residual_forward."""
    row = ResidualCase(2, 2, 4, 5, 3, 14)
    with case(row.label):
        numeric_layer_check(ctx.student, "residual_forward", "residual_backward", row.data(),
                            ["x", "w1", "b1", "w2", "b2"], 15)


@suite.check("residual_backward/inputs_untouched", points=1)
def residual_inputs(ctx):
    """residual_forward leaves x and the weights as they were; residual_backward leaves dout and
    the cache: calling it twice gives the same gradients."""
    row = RESIDUAL_CASES[0]
    inputs = row.data()
    outcome = ctx.student.call("residual_forward", *inputs)
    expect_unchanged("residual_forward", ["x", "w1", "b1", "w2", "b2"], inputs, outcome)
    _, cache = forward_pair(outcome.value, "residual_forward")
    expect_backward_leaves_alone(ctx.student, "residual_backward", {"dout": row.upstream()}, cache,
                                 RESIDUAL_GRADIENTS, [a.shape for a in inputs],
                                 Hint("conv/cache_changed_in_place", "residual_backward changed something in its "
                                      "cache (an in-place operation on a cached activation, such as a ReLU mask "
                                      "applied with *= or [...] = 0?)."))


# --- the receptive field (notes 3.9) ------------------------------------------------------------

# Stacks of (kernel, stride) layers, input side first; "pool" marks an average pooling layer in
# the empirical oracle (a pooling window counts as a kernel), "conv" a convolution.
FIELD_STACKS = [
    ("three 3x3 convolutions (the notes' example)", [("conv", 3, 1)] * 3),
    ("one 7x7 convolution", [("conv", 7, 1)]),
    ("1x1 then 3x3", [("conv", 1, 1), ("conv", 3, 1)]),
    ("3x3 convolutions at stride 2: the jump doubles", [("conv", 3, 2)] * 3),
    ("VGG-like: 3x3, 3x3, pool 2x2/2, 3x3, pool 2x2/2", [("conv", 3, 1), ("conv", 3, 1), ("pool", 2, 2),
                                                          ("conv", 3, 1), ("pool", 2, 2)]),
    ("ResNet stem: 7x7/2, pool 3x3/2, 3x3, 3x3", [("conv", 7, 2), ("pool", 3, 2), ("conv", 3, 1), ("conv", 3, 1)]),
    ("stride 3 larger than the kernel 2 (gaps), then 3x3", [("conv", 2, 3), ("conv", 3, 1)]),
    ("kernels 1 to 7 at strides 1, 2 and 3", [("conv", 1, 1), ("conv", 2, 1), ("pool", 4, 2), ("conv", 6, 1),
                                              ("conv", 5, 3), ("conv", 7, 1)]),
    ("six 3x3 convolutions at stride 2: the jump grows to 32", [("conv", 3, 2)] * 6),
]


def stack_pairs(stack) -> list[tuple[int, int]]:
    return [(kernel, stride) for _, kernel, stride in stack]


def stack_outputs(stack, x) -> list:
    """Every layer's output for input x: convolutions with all-ones kernels, average poolings,
    no padding; empty when the input is too small for some layer."""
    import torch
    import torch.nn.functional as F

    outputs, a = [], x
    for kind, kernel, stride in stack:
        if min(a.shape[2:]) < kernel:
            return []
        ones = torch.ones((1, 1, kernel, kernel), dtype=torch.float64)
        a = F.conv2d(a, ones, stride=stride) if kind == "conv" else F.avg_pool2d(a, kernel, stride)
        outputs.append(a)
    return outputs


def empirical_field(stack) -> list[int]:
    """Measured, not computed from a formula: a PyTorch stack of the layers (convolutions with
    all-positive weights, average poolings, no padding) on the smallest square input of a power
    of 2 pixels for which the last layer has an output (without padding, its first unit's whole
    window then lies in the input); for each layer, the rows and columns of the input that get a
    nonzero gradient from the first unit of its output, and their extent. With positive weights
    nothing cancels."""
    import torch

    size = 1
    while True:
        x = torch.zeros((1, 1, size, size), dtype=torch.float64, requires_grad=True)
        outputs = stack_outputs(stack, x)
        if outputs:
            break
        size *= 2
    extents = []
    for out in outputs:
        (grad,) = torch.autograd.grad(out[0, 0, 0, 0], x, retain_graph=True)
        seen = grad[0, 0].numpy() != 0
        rows, columns = np.flatnonzero(seen.any(axis=1)), np.flatnonzero(seen.any(axis=0))
        extent = int(rows[-1] - rows[0] + 1)
        if extent != columns[-1] - columns[0] + 1:
            raise AssertionError("the grader's oracle measured a field that is not square")
        extents.append(extent)
    return extents


def field_hints(pairs: list[tuple[int, int]]) -> list[Hint]:
    kernels, strides = (np.array([p[i] for p in pairs], dtype=np.int64) for i in (0, 1))
    jump_ignored = 1 + np.cumsum(kernels - 1)  # every layer adds k - 1 input pixels
    jump_too_early = 1 + np.cumsum((kernels - 1) * np.cumprod(strides))  # k - 1 steps of the jump after it

    def from_the_top(i: int) -> int:  # H = (H' - 1) * s + k - 2p solved layer by layer, with "same" padding
        size = 1
        for kernel, stride in reversed(pairs[:i + 1]):
            size = (size - 1) * stride + kernel - 2 * (kernel // 2)
        return size

    return [
        Hint("conv/receptive_jump_ignored", "after a layer of stride s, neighbouring units are s times as far apart "
             "in the input (the jump): a later kernel's extra k - 1 units cover k - 1 jumps, and the jump itself is "
             "multiplied by every stride on the way.").if_close(
            lambda: jump_ignored, 0),
        Hint("conv/receptive_jump_too_early", "a layer's kernel spans units of the layer below it, which are "
             "spaced by the jump of the layers before it: update the jump with this layer's stride only after "
             "its size.").if_close(lambda: jump_too_early, 0),
        Hint("conv/receptive_padding_counted", "padding does not enter the receptive field: padded zeros are no "
             "input pixels, so the field depends on the kernels and strides only.").if_close(
            lambda: [from_the_top(i) for i in range(len(pairs))], 0),
    ]


def field(door, pairs: list[tuple[int, int]], hints=()) -> np.ndarray:
    value = door.call("receptive_field", [tuple(p) for p in pairs]).value
    if not isinstance(value, (list, tuple, np.ndarray)):
        raise CheckFailure(f"receptive_field should return sizes as a list of ints, but returned "
                           f"{type(value).__name__}.", kind="wrong_type", function="receptive_field")
    value = np.asarray(value)
    expect_shape(value, (len(pairs),), "sizes", "receptive_field")
    expect_dtype(value, "iu", "sizes", "receptive_field")
    return value


@suite.check("receptive_field/values", points=3)
def field_values(ctx):
    """sizes as measured on PyTorch stacks (the extent of the input gradient of one output unit),
    for strides 1 to 3, kernels 1 to 7, pooling layers and long stacks whose jump grows."""
    for what, stack in FIELD_STACKS:
        pairs = stack_pairs(stack)
        with case(f"{what}: layers {pairs}"):
            sizes = field(ctx.student, pairs)
            expect_equal(sizes, np.array(empirical_field(stack)), "sizes", "receptive_field",
                         source="the measured receptive field", hints=field_hints(pairs))


@suite.check("receptive_field/invalid", points=1)
def field_invalid(ctx):
    """ValueError for a kernel or a stride below 1."""
    for what, pairs in (("a kernel is 0", [(3, 1), (0, 1)]), ("a stride is 0", [(3, 0)]),
                        ("a kernel is negative", [(-3, 2), (3, 1)])):
        with case(f"layers {pairs}"):
            expect_raises("receptive_field", lambda: ctx.student.call("receptive_field", pairs), "ValueError", what)


# --- end to end: a small residual network on the digits ----------------------------------------

# stem (the grader's: x copied into C channels, a learned scale and shift per channel) - one
# residual block of the student's - affine - softmax. Sized for the slowest correct code: with
# four nested loops per convolution (tests/bugbank/conv/correct_naive_loops.py) the 40 steps take
# about 7 s of CPU, a quarter of the 30 s limit. PyTorch's accuracy is about 0.85; the ReLU
# applied before the shortcut's addition ends near 0.61.
RESNET = {"channels": 4, "kernel": 3, "learning_rate": 0.05, "momentum": 0.9, "steps": 40, "batch": 16}


class TorchResidual:
    """The oracle's residual block, with the assignment's interface, from PyTorch."""

    @staticmethod
    def residual_forward(x, w1, b1, w2, b2):
        import torch

        tensors = [torch.tensor(a, requires_grad=True) for a in (x, w1, b1, w2, b2)]
        out = torch_residual(w1.shape[2])(*tensors)
        return out.detach().numpy(), (tensors, out)

    @staticmethod
    def residual_backward(dout, cache):
        import torch

        tensors, out = cache
        return tuple(g.numpy() for g in torch.autograd.grad(out, tensors, torch.from_numpy(dout)))


class DoorResidual:
    """The same interface through a door; the cache stays on the student's side."""

    def __init__(self, door) -> None:
        self.door = door
        self.shapes: list[tuple] = []

    def residual_forward(self, *args):
        self.shapes = [np.shape(a) for a in args]  # what the gradients' shapes must be
        out, cache = layer_output(self.door.call_keeping("residual_forward", (1,), *args).value, "residual_forward")
        expect_shape(out, self.shapes[0], "out", "residual_forward")
        return out, cache

    def residual_backward(self, dout, cache):
        value = self.door.call("residual_backward", dout, cache).value
        if isinstance(cache, Handle):
            self.door.release([cache])
        return tuple(np.asarray(v, dtype=np.float64) for v in expect_gradients(
            value, RESIDUAL_GRADIENTS, "residual_backward", self.shapes,
            {name: [GRADIENT_ORDER] for name in RESIDUAL_GRADIENTS[1:]}))


def resnet_start(seed: int) -> tuple[np.random.Generator, dict]:
    rng = np.random.default_rng(seed)
    C, k = RESNET["channels"], RESNET["kernel"]
    hidden = C * 8 * 8
    scale = np.sqrt(2 / (C * k * k))
    return rng, {"a": np.ones(C), "d": np.zeros(C),
                 "w1": rng.normal(scale=scale, size=(C, C, k, k)), "b1": np.zeros(C),
                 "w2": rng.normal(scale=scale, size=(C, C, k, k)), "b2": np.zeros(C),
                 "W": rng.normal(scale=np.sqrt(2 / hidden), size=(hidden, 10)), "c": np.zeros(10)}


def resnet_scores(block, params, x):
    """stem - residual block - affine: the scores and what backward needs."""
    stem = x * params["a"][None, :, None, None] + params["d"][None, :, None, None]  # x is (N, 1, 8, 8)
    out, cache = block.residual_forward(stem, params["w1"], params["b1"], params["w2"], params["b2"])
    features = out.reshape(len(x), -1)
    return features @ params["W"] + params["c"], (cache, out, features)


def train_resnet(block, X, y, seed: int = 0) -> dict:
    """Mini-batch training with the notes' momentum update; the block comes from ``block``, the
    stem, the affine layer and the softmax loss are the grader's own."""
    rng, params = resnet_start(seed)

    def gradients(params):
        rows = rng.choice(len(y), size=RESNET["batch"], replace=False)
        x = X[rows]
        scores, (cache, out, features) = resnet_scores(block, params, x)
        grads, dout = convnet_head(scores, features, out, params, y[rows])
        dstem, grads["w1"], grads["b1"], grads["w2"], grads["b2"] = block.residual_backward(dout, cache)
        grads["a"], grads["d"] = (dstem * x).sum(axis=(0, 2, 3)), dstem.sum(axis=(0, 2, 3))
        return grads

    return momentum_descent(params, gradients, steps=RESNET["steps"], learning_rate=RESNET["learning_rate"],
                            momentum=RESNET["momentum"], after_step=finite_convnet)


def resnet_accuracy(block, seed: int) -> float:
    """Test accuracy after training with ``block`` (TorchResidual, or DoorResidual of a door); the
    test pass always uses PyTorch's block, so that the weights are judged."""
    X_train, y_train, X_test, y_test = digits_images(seed)
    params = train_resnet(block, X_train, y_train)
    return float(np.mean(np.argmax(resnet_scores(TorchResidual, params, X_test)[0], axis=1) == y_test))


@once(persist=True)
def torch_resnet_accuracy(seed: int) -> float:
    """The oracle's accuracy: deterministic, so computed once per grading process."""
    return resnet_accuracy(TorchResidual, seed)


@suite.check("residual_backward/digits_resnet", points=2)
def residual_digits(ctx):
    """A small residual network with your block (a per-channel stem, the block, affine, softmax)
    trained on scikit-learn's 8x8 digits reaches the accuracy of the same training with PyTorch's."""
    with case(f"digits, {RESNET['channels']} channels, {RESNET['kernel']}x{RESNET['kernel']} kernels, "
              f"{RESNET['steps']} steps of momentum SGD"):
        expect_accuracy("residual_backward", resnet_accuracy(DoorResidual(ctx.student), 0),
                        torch_resnet_accuracy(0), "residual: test accuracy {mine:.4f} after training with your block, "
                        "below the {theirs:.4f} of the same training with PyTorch's by more than {margin}.")
