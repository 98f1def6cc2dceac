"""Public checks of the recurrent assignment (students run these with ``pytest lstm``).

Every forward pass is compared with PyTorch in float64: ``rnn_step`` with the tanh formula,
``lstm_step`` with ``torch.nn.LSTMCell`` and ``lstm_forward`` with ``torch.nn.LSTM`` (with
``weight_ih = Wx.T``, ``weight_hh = Wh.T``, ``bias_ih = b``, ``bias_hh = 0``), over a table of
sizes (N = 1, D != H, T = 1 and T > 1). Every backward pass is compared with autograd for random
upstream gradients (on both next_h and next_c), and with central differences of the student's
own forward pass. The hints come from PyTorch too: a known mistake is written as the function it
amounts to (the gate blocks in CS231n's order, tanh left off the cell, the path through
tanh(next_c) cut), and the student's answer is compared with that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.checks import Suite
from ...core.door import Build, Call, Handle, Made, result_of
from ...core.gradcheck import DoorFunction, expect_gradient
from ...core.memo import once
from ...core.tolerances import TOLERANCES
from ...core.verdicts import (
    CheckFailure,
    Hint,
    case,
    expect_array,
    expect_close,
    expect_returns,
    expect_shape,
    expect_unchanged,
)
from ...training import momentum_descent, momentum_step
from ..layers import expect_backward_leaves_alone, expect_gradients

FUNCTIONS = ["rnn_step(x, prev_h, Wx, Wh, b)", "rnn_step_backward(dnext_h, cache)",
             "lstm_step(x, prev_h, prev_c, Wx, Wh, b)",
             "lstm_step_backward(dnext_h, dnext_c, cache)",
             "lstm_forward(x, h0, Wx, Wh, b)", "lstm_backward(dh, cache)"]
suite = Suite("lstm", FUNCTIONS, "recurrent networks", preload=["torch"],
              relies_on={"lstm_forward": ("lstm_step",), "lstm_backward": ("lstm_step_backward",)}, seconds=4.0)
VALUE, GRADIENT = TOLERANCES["value"], TOLERANCES["gradient"]
TRAINING_MARGIN = 0.02  # final training loss may exceed the oracle's by this much (nats per token)


# --- sizes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    N: int
    D: int
    H: int
    T: int
    seed: int
    scale: float = 0.5

    @property
    def label(self) -> str:
        """For a sequence."""
        return f"N={self.N}, D={self.D}, H={self.H}, T={self.T}"

    @property
    def step_label(self) -> str:
        """For one step."""
        return f"N={self.N}, D={self.D}, H={self.H}"

    def step_data(self, gates: int = 4):
        """x, prev_h, prev_c, Wx, Wh, b for one step (gates = 1 for the vanilla RNN)."""
        rng = np.random.default_rng(self.seed)
        N, D, H = self.N, self.D, self.H
        return (rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H)),
                rng.normal(size=(D, gates * H)) * self.scale, rng.normal(size=(H, gates * H)) * self.scale,
                rng.normal(size=gates * H) * self.scale)

    def sequence_data(self):
        """x (N, T, D), h0, Wx, Wh, b."""
        rng = np.random.default_rng(self.seed + 500)
        N, D, H, T = self.N, self.D, self.H, self.T
        return (rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(D, 4 * H)) * self.scale,
                rng.normal(size=(H, 4 * H)) * self.scale, rng.normal(size=4 * H) * self.scale)

    def upstream(self, *shape) -> np.ndarray:
        return np.random.default_rng(self.seed + 1000 + len(shape)).normal(size=shape)


SIZES = [Size(3, 4, 5, 6, 0), Size(1, 3, 2, 1, 1), Size(4, 6, 3, 4, 2), Size(2, 5, 5, 3, 3)]


# --- the oracle (PyTorch, float64) --------------------------------------------------------------


def tensors(*arrays):
    import torch

    return [torch.tensor(np.array(a, dtype=np.float64, order="C"), requires_grad=True) for a in arrays]


def grads(outputs, inputs, upstream) -> list[np.ndarray]:
    import torch

    result = torch.autograd.grad(outputs, inputs, [torch.from_numpy(np.asarray(u, dtype=np.float64)) for u in upstream],
                                 allow_unused=True)
    return [np.zeros(tuple(t.shape)) if g is None else g.numpy().copy() for g, t in zip(result, inputs)]


def torch_rnn_step(x, prev_h, Wx, Wh, b):
    import torch

    return torch.tanh(x @ Wx + prev_h @ Wh + b)


def torch_lstm_step(x, prev_h, prev_c, Wx, Wh, b, *, order="ifgo", cell_tanh=True, cut_tanh_path=False):
    """The contract's step (``torch.nn.LSTMCell`` with the mapping above, written out so that
    the mistakes can be written too): ``order`` names the gate held by each block of a."""
    import torch

    pre_activations = x @ Wx + prev_h @ Wh + b
    blocks = dict(zip(order, torch.chunk(pre_activations, 4, dim=1)))
    i, f, o = torch.sigmoid(blocks["i"]), torch.sigmoid(blocks["f"]), torch.sigmoid(blocks["o"])
    g = torch.tanh(blocks["g"])
    cell_state = prev_c * f + i * g
    shown = cell_state.detach() if cut_tanh_path else cell_state
    return o * (torch.tanh(shown) if cell_tanh else shown), cell_state


def lstm_cell(x, prev_h, prev_c, Wx, Wh, b):
    """``torch.nn.LSTMCell`` itself, with the contract's mapping of the weights."""
    import torch

    D, H = Wx.shape[0], Wh.shape[0]
    cell = torch.nn.LSTMCell(D, H).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(np.ascontiguousarray(Wx.T)))
        cell.weight_hh.copy_(torch.from_numpy(np.ascontiguousarray(Wh.T)))
        cell.bias_ih.copy_(torch.from_numpy(b))
        cell.bias_hh.zero_()
        next_h, next_c = cell(torch.from_numpy(x), (torch.from_numpy(prev_h), torch.from_numpy(prev_c)))
    return next_h.numpy(), next_c.numpy()


def torch_lstm_sequence(x, h0, Wx, Wh, b, detach_h=False, detach_c=False, **mistake):
    """h (N, T, H) of the contract's LSTM over the sequence, c0 = 0, in torch (differentiable).
    ``detach_h`` / ``detach_c`` cut the gradient's path from one step to the one before."""
    import torch

    h, c, states = h0, torch.zeros_like(h0), []
    for t in range(x.shape[1]):
        h_in = h.detach() if detach_h and t else h
        c_in = c.detach() if detach_c else c
        h, c = torch_lstm_step(x[:, t], h_in, c_in, Wx, Wh, b, **mistake)
        states.append(h)
    return torch.stack(states, dim=1)


def torch_lstm_module(x, h0, Wx, Wh, b) -> np.ndarray:
    """``torch.nn.LSTM(batch_first=True)`` itself, with the contract's mapping."""
    import torch

    D, H = Wx.shape[0], Wh.shape[0]
    net = torch.nn.LSTM(D, H, batch_first=True).double()
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(Wx.T)))
        net.weight_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(Wh.T)))
        net.bias_ih_l0.copy_(torch.from_numpy(b))
        net.bias_hh_l0.zero_()
        h, _ = net(torch.from_numpy(x), (torch.from_numpy(h0)[None], torch.zeros(1, *h0.shape, dtype=torch.float64)))
    return h.numpy()


def numpy_of(fn, arrays, **options):
    outputs = fn(*tensors(*arrays), **options)
    return [o.detach().numpy() for o in (outputs if isinstance(outputs, tuple) else (outputs,))]


# --- calling the student ------------------------------------------------------------------------


def call_step(door, function: str, args, outputs: int, shape: tuple, keep_cache: bool = False):
    """(outputs..., cache) of a step function, each output checked for type and shape; with
    ``keep_cache`` the cache stays on the student's side (a handle: for training, where only
    the student's backward pass uses it)."""
    keep = (1 if function == "lstm_forward" else outputs,) if keep_cache else ()
    return step_outputs(door.call_keeping(function, keep, *args).value, function, outputs, shape)


def step_outputs(value, function: str, outputs: int, shape: tuple):
    """(outputs..., cache) of a step function's value, each output checked for type and shape."""
    names = ["next_h", "next_c"][:outputs] if function != "lstm_forward" else ["h"]
    value = expect_returns(value, [*names, "cache"], function)
    arrays = []
    for index, name in enumerate(names):
        array = expect_array(value[index], name, function)
        expect_shape(array, shape, name, function)
        arrays.append(array)
    return (*arrays, value[-1])


GATE_ORDER_HINT = Hint("lstm/cs231n_gate_order", "your gates are in CS231n's order (i, f, o, g); the contract uses "
                       "PyTorch's i, f, g, o: the third block of H columns is g (tanh), the fourth is o.")
CELL_TANH_HINT = Hint("lstm/cell_tanh_missing", "tanh of the cell state is missing: next_h is the output gate "
                      "times tanh of next_c, not times next_c itself.")
TANH_PATH_HINT = Hint("lstm/tanh_path_cut", "next_c reaches the loss twice: through dnext_c and through next_h = "
                      "o * tanh(next_c); the cell state's gradient is the sum of both paths (the second through o "
                      "and the derivative of tanh) before going further back.")


def lstm_step_hints(args, index: int) -> list[Hint]:
    """Hints for output ``index`` (0 next_h, 1 next_c) of lstm_step."""
    return [GATE_ORDER_HINT.if_close(lambda: numpy_of(torch_lstm_step, args, order="ifog")[index], VALUE),
            CELL_TANH_HINT.if_close(lambda: numpy_of(torch_lstm_step, args, cell_tanh=False)[index], VALUE)]


# --- rnn_step -----------------------------------------------------------------------------------


def rnn_args(size: Size):
    x, prev_h, _, Wx, Wh, b = size.step_data(gates=1)
    return x, prev_h, Wx, Wh, b


@suite.check("rnn_step/values", points=2)
def rnn_values(ctx):
    """next_h = tanh(x @ Wx + prev_h @ Wh + b), as PyTorch computes it."""
    for size in SIZES:
        args = rnn_args(size)
        with case(size.step_label):
            next_h, _ = call_step(ctx.student, "rnn_step", args, 1, (size.N, size.H))
            expect_close(next_h, numpy_of(torch_rnn_step, args)[0], "next_h", "rnn_step", tolerance=VALUE,
                         source="torch.tanh(x @ Wx + prev_h @ Wh + b)")


RNN_GRADIENTS = ["dx", "dprev_h", "dWx", "dWh", "db"]


def rnn_gradients(door, args, dnext_h):
    _, cache = call_step(door, "rnn_step", args, 1, dnext_h.shape)
    return expect_gradients(door.call("rnn_step_backward", dnext_h, cache).value, RNN_GRADIENTS,
                            "rnn_step_backward", [a.shape for a in args])


@suite.check("rnn_step_backward/values", points=2)
def rnn_backward_values(ctx):
    """dx, dprev_h, dWx, dWh, db as PyTorch's autograd computes them for a random dnext_h."""
    for size in SIZES:
        args = rnn_args(size)
        dnext_h = size.upstream(size.N, size.H)
        with case(size.step_label + ", random dnext_h"):
            mine = rnn_gradients(ctx.student, args, dnext_h)
            inputs = tensors(*args)
            expected = grads([torch_rnn_step(*inputs)], inputs, [dnext_h])
            for name, value, want in zip(RNN_GRADIENTS, mine, expected):
                expect_close(value, want, name, "rnn_step_backward", tolerance=GRADIENT, source="autograd")


def numeric_step_check(door, forward: str, backward: str, args, names, outputs: int, seed: int) -> None:
    """The student's backward against central differences of the student's own forward, for
    random upstream gradients on every output."""
    rng = np.random.default_rng(seed)
    N, H = args[1].shape
    results = call_step(door, forward, args, outputs, (N, H))
    upstream = [rng.normal(size=(N, H)) for _ in range(outputs)]
    gradients = door.call(backward, *upstream, results[-1]).value
    gradients = expect_gradients(gradients, [f"d{n}" for n in names] if outputs == 1 else
                                 ["dx", "dprev_h", "dprev_c", "dWx", "dWh", "db"], backward,
                                 [a.shape for a in args])

    def outputs_of(through, *perturbed):
        outs = call_step(through, forward, perturbed, outputs, (N, H))[:-1]
        return np.stack(outs) if outputs > 1 else outs[0]

    f = DoorFunction(door, outputs_of)

    dout = np.stack(upstream) if outputs > 1 else upstream[0]
    for index, name in enumerate(names):
        expect_gradient(f, list(args), index, gradients[index], dout, function=backward, argument=name,
                        gradient_name=f"d{name}", rng=rng)


@suite.check("rnn_step_backward/numeric_gradient", points=1)
def rnn_numeric(ctx):
    """Every gradient agrees with central differences of your rnn_step."""
    with case(SIZES[0].step_label):
        numeric_step_check(ctx.student, "rnn_step", "rnn_step_backward", rnn_args(SIZES[0]),
                           ["x", "prev_h", "Wx", "Wh", "b"], 1, 4)


# --- lstm_step ----------------------------------------------------------------------------------


@suite.check("lstm_step/values", points=3)
def lstm_step_values(ctx):
    """next_h and next_c as torch.nn.LSTMCell computes them (weight_ih = Wx.T, weight_hh = Wh.T,
    bias_ih = b, bias_hh = 0)."""
    for size in SIZES:
        args = size.step_data()
        with case(size.step_label):
            next_h, next_c, _ = call_step(ctx.student, "lstm_step", args, 2, (size.N, size.H))
            want_h, want_c = lstm_cell(*args)
            expect_close(next_c, want_c, "next_c", "lstm_step", tolerance=VALUE, source="torch.nn.LSTMCell",
                         hints=lstm_step_hints(args, 1))
            expect_close(next_h, want_h, "next_h", "lstm_step", tolerance=VALUE, source="torch.nn.LSTMCell",
                         hints=lstm_step_hints(args, 0))


@suite.check("lstm_step/saturated", points=1)
def lstm_step_saturated(ctx):
    """Pre-activations of +-50 (and beyond): finite, exact values, no overflow warning."""
    size = Size(3, 4, 5, 0, 5)
    x, prev_h, prev_c, Wx, Wh, b = size.step_data()
    for label, scale in (("pre-activations about +-50", 50.0), ("pre-activations about +-800", 800.0)):
        args = (np.sign(x), np.sign(prev_h), prev_c, np.sign(Wx) * scale / 9, np.sign(Wh) * scale / 9, np.sign(b))
        with case(label):
            outcome = ctx.student.call("lstm_step", *args)
            value = expect_returns(outcome.value, STEP_OUTPUTS, "lstm_step")
            want_h, want_c = lstm_cell(*args)
            for name, got, want in (("next_h", value[0], want_h), ("next_c", value[1], want_c)):
                got = expect_array(got, name, "lstm_step")
                expect_close(got, want, name, "lstm_step", tolerance=VALUE, source="torch.nn.LSTMCell",
                             hints=[Hint("lstm/sigmoid_overflow",
                                         "exp(-a) overflows for a < -709: write the sigmoid so that exp only sees "
                                         "numbers <= 0 (exp(a) / (1 + exp(a)) for negative a).",
                                         lambda v: not np.all(np.isfinite(v)))])
            if outcome.warnings:
                raise CheckFailure(f"lstm_step issued a warning for large pre-activations: {outcome.warnings[0]}.",
                                   Hint("lstm/sigmoid_overflow",
                                        "write the sigmoid so that np.exp only ever sees numbers <= 0."),
                                   kind="warning")


STEP_GRADIENTS = ["dx", "dprev_h", "dprev_c", "dWx", "dWh", "db"]
STEP_OUTPUTS = ["next_h", "next_c", "cache"]


def lstm_step_gradients(door, args, dnext_h, dnext_c):
    N, H = dnext_h.shape
    _, _, cache = call_step(door, "lstm_step", args, 2, (N, H))
    return expect_gradients(door.call("lstm_step_backward", dnext_h, dnext_c, cache).value, STEP_GRADIENTS,
                            "lstm_step_backward", [a.shape for a in args])


@suite.check("lstm_step_backward/values", points=3)
def lstm_step_backward_values(ctx):
    """Every gradient as autograd computes it, for random dnext_h and dnext_c."""
    for size in SIZES:
        args = size.step_data()
        dnext_h, dnext_c = size.upstream(size.N, size.H), size.upstream(size.N, size.H, 1)[..., 0]
        with case(size.step_label + ", random dnext_h and dnext_c"):
            mine = lstm_step_gradients(ctx.student, args, dnext_h, dnext_c)
            inputs = tensors(*args)
            expected = grads(list(torch_lstm_step(*inputs)), inputs, [dnext_h, dnext_c])
            inputs = tensors(*args)
            cut = grads(list(torch_lstm_step(*inputs, cut_tanh_path=True)), inputs, [dnext_h, dnext_c])
            for name, value, want, alternative in zip(STEP_GRADIENTS, mine, expected, cut):
                expect_close(value, want, name, "lstm_step_backward", tolerance=GRADIENT, source="autograd",
                             hints=[TANH_PATH_HINT.if_close(alternative, GRADIENT)])


@suite.check("lstm_step_backward/numeric_gradient", points=2)
def lstm_step_numeric(ctx):
    """Every gradient agrees with central differences of your lstm_step (upstream gradients on
    both next_h and next_c)."""
    with case(SIZES[2].step_label):
        numeric_step_check(ctx.student, "lstm_step", "lstm_step_backward", SIZES[2].step_data(),
                           ["x", "prev_h", "prev_c", "Wx", "Wh", "b"], 2, 6)


@suite.check("lstm_step_backward/inputs_untouched", points=1)
def lstm_step_inputs(ctx):
    """lstm_step leaves its inputs alone; lstm_step_backward leaves dnext_h, dnext_c and the
    cache alone (a second call with the same cache gives the same gradients)."""
    size = SIZES[0]
    args = size.step_data()
    outcome = ctx.student.call("lstm_step", *args)
    expect_unchanged("lstm_step", ["x", "prev_h", "prev_c", "Wx", "Wh", "b"], list(args), outcome)
    cache = expect_returns(outcome.value, STEP_OUTPUTS, "lstm_step")[2]
    upstream = {"dnext_h": size.upstream(size.N, size.H), "dnext_c": size.upstream(size.N, size.H, 1)[..., 0]}
    expect_backward_leaves_alone(ctx.student, "lstm_step_backward", upstream, cache, STEP_GRADIENTS,
                                 [a.shape for a in args],
                                 Hint("lstm/cache_changed_in_place", "lstm_step_backward changed its cache in place."))


# --- lstm_forward / lstm_backward ---------------------------------------------------------------


def sequence_hints(args) -> list[Hint]:
    return [GATE_ORDER_HINT.if_close(lambda: numpy_of(torch_lstm_sequence, args, order="ifog")[0], VALUE),
            CELL_TANH_HINT.if_close(lambda: numpy_of(torch_lstm_sequence, args, cell_tanh=False)[0], VALUE)]


HIDDEN_PATH_HINT = Hint("lstm/hidden_path_cut", "h[:, t] reaches the loss directly (dh[:, t]) and through step t + 1: "
                        "add the dprev_h that step t + 1 sends back to dh[:, t] (in a new array) before going through "
                        "step t.")
CELL_PATH_HINT = Hint("lstm/cell_path_cut",
                      "the cell state carries gradient back through time too: pass dprev_c of step t + 1 into step t.")


def call_sequence(door, args, keep_cache: bool = False):
    N, T, _ = args[0].shape
    H = args[1].shape[1]
    h, cache = call_step(door, "lstm_forward", args, 1, (N, T, H), keep_cache)
    return h, cache


def sequence_outputs(value, shape: tuple):
    """(h, cache) of an lstm_forward's value, h checked for type and shape."""
    return step_outputs(value, "lstm_forward", 1, shape)


@suite.check("lstm_forward/values", points=2)
def lstm_forward_values(ctx):
    """h (N, T, H) as torch.nn.LSTM(batch_first=True) computes it, from h0 and c0 = 0."""
    for size in SIZES:
        args = size.sequence_data()
        with case(size.label):
            h, _ = call_sequence(ctx.student, args)
            expect_close(h, torch_lstm_module(*args), "h", "lstm_forward", tolerance=VALUE,
                         source="torch.nn.LSTM(batch_first=True)", hints=sequence_hints(args))


SEQUENCE_GRADIENTS = ["dx", "dh0", "dWx", "dWh", "db"]


def sequence_gradients(door, args, dh):
    _, cache = call_sequence(door, args)
    return expect_gradients(door.call("lstm_backward", dh, cache).value, SEQUENCE_GRADIENTS, "lstm_backward",
                            [a.shape for a in args])


@suite.check("lstm_backward/values", points=3)
def lstm_backward_values(ctx):
    """Backpropagation through time: every gradient as autograd computes it for a random dh."""
    for size in SIZES:
        args = size.sequence_data()
        dh = size.upstream(size.N, size.T, size.H)
        with case(size.label + ", random dh"):
            mine = sequence_gradients(ctx.student, args, dh)
            inputs = tensors(*args)
            expected = grads([torch_lstm_sequence(*inputs)], inputs, [dh])
            cut = {}
            for mistake in ("detach_h", "detach_c"):
                inputs = tensors(*args)
                cut[mistake] = grads([torch_lstm_sequence(*inputs, **{mistake: True})], inputs, [dh])
            for index, (name, value, want) in enumerate(zip(SEQUENCE_GRADIENTS, mine, expected)):
                expect_close(value, want, name, "lstm_backward", tolerance=GRADIENT, source="autograd", hints=[
                    HIDDEN_PATH_HINT.if_close(cut["detach_h"][index], GRADIENT),
                    CELL_PATH_HINT.if_close(cut["detach_c"][index], GRADIENT)])


@suite.check("lstm_backward/numeric_gradient", points=2)
def lstm_backward_numeric(ctx):
    """Every gradient agrees with central differences of your lstm_forward."""
    size = SIZES[2]
    args = size.sequence_data()
    rng = np.random.default_rng(9)
    with case(size.label):
        h, cache = call_sequence(ctx.student, args)
        dh = rng.normal(size=h.shape)
        gradients = expect_gradients(ctx.student.call("lstm_backward", dh, cache).value, SEQUENCE_GRADIENTS,
                                     "lstm_backward", [a.shape for a in args])
        for index, name in enumerate(["x", "h0", "Wx", "Wh", "b"]):
            expect_gradient(DoorFunction(ctx.student, lambda through, *a: call_sequence(through, a)[0]), list(args),
                            index, gradients[index], dh,
                            function="lstm_backward", argument=name, gradient_name=f"d{name}", rng=rng)


@suite.check("lstm_backward/inputs_untouched", points=1)
def lstm_backward_inputs(ctx):
    """lstm_forward leaves its inputs alone; lstm_backward leaves dh and the cache alone (a
    second call with the same cache gives the same gradients)."""
    size = SIZES[0]
    args = size.sequence_data()
    outcome = ctx.student.call("lstm_forward", *args)
    expect_unchanged("lstm_forward", ["x", "h0", "Wx", "Wh", "b"], list(args), outcome)
    cache = expect_returns(outcome.value, ["h", "cache"], "lstm_forward")[1]
    expect_backward_leaves_alone(ctx.student, "lstm_backward", {"dh": size.upstream(size.N, size.T, size.H)},
                                 cache, SEQUENCE_GRADIENTS, [a.shape for a in args],
                                 Hint("lstm/cache_changed_in_place", "lstm_backward changed its cache in place."))


# --- end to end: a sequence task ----------------------------------------------------------------

PATTERN = np.array([0, 1, 0, 2, 0, 1, 0, 3])  # after a 0, the next token depends on what came before
SEQUENCE = {"N": 32, "T": 12, "H": 16, "steps": 150, "learning_rate": 0.5, "momentum": 0.9}


def pattern_batch(rng) -> tuple[np.ndarray, np.ndarray]:
    """One-hot inputs (N, T, 4) cut from the repeating pattern at random offsets, and the next
    token at every step (N, T)."""
    N, T = SEQUENCE["N"], SEQUENCE["T"]
    starts = rng.integers(0, len(PATTERN), size=N)
    tokens = PATTERN[(starts[:, None] + np.arange(T + 1)) % len(PATTERN)]
    return np.eye(4)[tokens[:, :-1]], tokens[:, 1:]


@once
def lstm_module(D: int, H: int):
    """A torch.nn.LSTM to run with our weights (torch.func.functional_call): built once."""
    import torch

    return torch.nn.LSTM(D, H, batch_first=True).double()


class TorchSequence:
    """The oracle's lstm_forward / lstm_backward: torch.nn.LSTM and its autograd."""

    @staticmethod
    def lstm_forward(x, h0, Wx, Wh, b):
        import torch

        x_t, h0_t, w_ih, w_hh, b_ih = tensors(x, h0, Wx.T, Wh.T, b)
        net = lstm_module(Wx.shape[0], Wh.shape[0])
        weights = {"weight_ih_l0": w_ih, "weight_hh_l0": w_hh, "bias_ih_l0": b_ih, "bias_hh_l0": torch.zeros_like(b_ih)}
        c0 = torch.zeros(1, *h0.shape, dtype=torch.float64)
        h, _ = torch.func.functional_call(net, weights, (x_t, (h0_t[None], c0)))
        return h.detach().numpy(), ((x_t, h0_t, w_ih, w_hh, b_ih), h)

    @staticmethod
    def lstm_backward(dh, cache):
        inputs, h = cache
        dx, dh0, dw_ih, dw_hh, db = grads([h], list(inputs), [dh])
        return dx, dh0, dw_ih.T, dw_hh.T, db


class DoorSequence:
    def __init__(self, door) -> None:
        self.door = door

    def lstm_forward(self, *args):
        return call_sequence(self.door, args, keep_cache=True)

    def lstm_backward(self, dh, cache):
        value = self.door.call("lstm_backward", dh, cache).value
        if isinstance(cache, Handle):
            self.door.release([cache])
        return expect_gradients(value, SEQUENCE_GRADIENTS, "lstm_backward",
                                [dh.shape[:2] + (4,), dh[:, 0].shape, (4, 4 * dh.shape[2]),
                                 (dh.shape[2], 4 * dh.shape[2]), (4 * dh.shape[2],)])


def sequence_start(seed: int) -> tuple[np.random.Generator, dict]:
    """The random generator of a sequence training (which then draws the batches) and its first
    parameters: the LSTM's Wx, Wh, b and the output layer's Wy, by."""
    rng = np.random.default_rng(seed)
    H = SEQUENCE["H"]
    return rng, {"Wx": rng.normal(scale=0.3, size=(4, 4 * H)), "Wh": rng.normal(scale=0.3, size=(H, 4 * H)),
                 "b": np.zeros(4 * H), "Wy": rng.normal(scale=0.3, size=(H, 4)), "by": np.zeros(4)}


def output_layer(h, targets, params) -> tuple[float, dict, np.ndarray]:
    """The grader's softmax output layer on the LSTM's h: the loss, the gradients of Wy and by,
    and dh. The loss's gradient comes from PyTorch's autograd: this file reaches the students,
    and the softmax assignment asks them for it."""
    import torch
    import torch.nn.functional as F

    N, T, H = h.shape
    logits = torch.tensor(h @ params["Wy"] + params["by"], dtype=torch.float64, requires_grad=True)
    loss = F.cross_entropy(logits.reshape(N * T, -1), torch.from_numpy(np.asarray(targets, np.int64).reshape(-1)))
    loss.backward()
    loss, dscores = float(loss.detach()), logits.grad.numpy()
    return (loss, {"Wy": h.reshape(-1, H).T @ dscores.reshape(-1, 4), "by": dscores.sum(axis=(0, 1))},
            dscores @ params["Wy"].T)


def finite_weights(params) -> None:
    if not all(np.all(np.isfinite(v)) for v in params.values()):
        raise CheckFailure("training with your lstm_forward and lstm_backward produced nan or inf weights.",
                           kind="not_finite")


def train_sequence(layers, seed: int = 0) -> list[float]:
    """Training losses of an LSTM (the layers') with a softmax output layer (the grader's) on
    the pattern, with the notes' momentum update (the oracle's and the reference's; a door's
    functions train with :func:`door_sequence_training`)."""
    rng, params = sequence_start(seed)
    N, H = SEQUENCE["N"], SEQUENCE["H"]
    losses = []

    def gradients(params):
        x, targets = pattern_batch(rng)
        h, cache = layers.lstm_forward(x, np.zeros((N, H)), params["Wx"], params["Wh"], params["b"])
        loss, grads_, dh = output_layer(h, targets, params)
        losses.append(loss)
        _, _, grads_["Wx"], grads_["Wh"], grads_["b"] = layers.lstm_backward(dh, cache)
        return grads_

    momentum_descent(params, gradients, steps=SEQUENCE["steps"], learning_rate=SEQUENCE["learning_rate"],
                     momentum=SEQUENCE["momentum"], after_step=finite_weights)
    return losses


LSTM_PARAMETERS = ("Wx", "Wh", "b")


def door_sequence_training(door, seed: int = 0) -> list[float]:
    """:func:`train_sequence` with the door's lstm_forward and lstm_backward, one request per step
    instead of two: step t's backward pass, the momentum update of Wx, Wh and b (the grader's
    arithmetic, ``Made``, on the student's side) and step t+1's forward pass go together. The
    first step goes call by call, so that what the functions return is checked with the usual
    messages; the cache stays on the student's side throughout."""
    rng, params = sequence_start(seed)
    N, H, lr, momentum = SEQUENCE["N"], SEQUENCE["H"], SEQUENCE["learning_rate"], SEQUENCE["momentum"]
    previous = {k: v.copy() for k, v in params.items()}
    zeros = np.zeros((N, H))
    layers = DoorSequence(door)
    losses = []
    x, targets = pattern_batch(rng)
    h, cache = layers.lstm_forward(x, zeros, params["Wx"], params["Wh"], params["b"])
    for step in range(SEQUENCE["steps"]):
        loss, grads_, dh = output_layer(h, targets, params)
        losses.append(loss)
        last = step == SEQUENCE["steps"] - 1
        if not last:
            x, targets = pattern_batch(rng)  # the next step's batch, drawn where train_sequence draws it
        if step == 0:
            _, _, grads_["Wx"], grads_["Wh"], grads_["b"] = layers.lstm_backward(dh, cache)
            new = {k: momentum_step(params[k], grads_[k], previous[k], lr, momentum) for k in params}
            if not last:
                h, cache = layers.lstm_forward(x, zeros, new["Wx"], new["Wh"], new["b"])
        else:
            parts: list = [Call("lstm_backward", (dh, cache), send=False)]
            parts += [Made(Build("momentum_step", (params[k], result_of(0, 2 + i), previous[k], lr, momentum)))
                      for i, k in enumerate(LSTM_PARAMETERS)]
            if not last:
                parts.append(Call("lstm_forward", (x, zeros, result_of(1), result_of(2), result_of(3)), keep=(1,)))
            outcomes = door.call_each(parts)
            door.release([cache])
            new = {k: np.asarray(outcomes[1 + i].value, dtype=np.float64) for i, k in enumerate(LSTM_PARAMETERS)}
            new.update({k: momentum_step(params[k], grads_[k], previous[k], lr, momentum) for k in ("Wy", "by")})
            if not last:
                h, cache = sequence_outputs(outcomes[-1].value, x.shape[:2] + (H,))
        previous, params = params, {k: new[k] for k in params}
        finite_weights(params)
    return losses


def final_loss(losses: list[float]) -> float:
    return float(np.mean(losses[-10:]))


@once(persist=True)
def torch_final_loss(seed: int) -> float:
    """The oracle's final loss: deterministic, so computed once per grading process."""
    return final_loss(train_sequence(TorchSequence, seed))


@suite.check("lstm_backward/sequence_training", points=2)
def lstm_training(ctx):
    """An LSTM of your lstm_forward and lstm_backward, with a softmax output layer, learns to
    predict the next token of a repeating pattern (which needs memory: what follows a 0 depends
    on what came before) as well as the same training with PyTorch's gradients."""
    with case(f"pattern {PATTERN.tolist()}, H={SEQUENCE['H']}, {SEQUENCE['steps']} steps of momentum SGD"):
        mine = final_loss(door_sequence_training(ctx.student))
        theirs = torch_final_loss(0)
        if not mine <= theirs + TRAINING_MARGIN:
            raise CheckFailure(f"lstm: final training loss {mine:.4f} with your functions, above the {theirs:.4f} of "
                               f"the same training with PyTorch's by more than {TRAINING_MARGIN}.",
                               kind="below_target", numbers={"actual": mine, "expected": theirs,
                                                             "tolerance": TRAINING_MARGIN})
