"""Public checks of the GAN assignment (students run these with ``pytest gan``).

``bce_with_logits`` (NumPy) is compared with ``F.binary_cross_entropy_with_logits`` and its
autograd in float64. The PyTorch functions are called on the student's side of the door with
tensors, modules and optimisers built there from plain recipes (``autograder.core.torch_builders``):
the losses' values and gradients come back as numbers, and ``gan_step`` is run on small float64
MLPs cloned from one seed (an Adam optimiser for G, SGD with momentum for D) for three calls in a
row, after which every parameter is read back and compared with the contract's step run here.
Mistakes (labels swapped, the saturating generator loss, gradients not zeroed, D moved by the
generator's step) are run here too, and their results name the hint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...core.checks import Suite
from ...core.door import Build, Handle, StudentProblem
from ...core.gradcheck import DoorFunction, expect_gradient
from ...core.memo import shipped_numbers
from ...core.tolerances import TOLERANCES
from ...core.verdicts import (
    CheckFailure,
    Hint,
    case,
    describe_value,
    expect_array,
    expect_close,
    expect_float,
    expect_returns,
    expect_shape,
)

FUNCTIONS = ["bce_with_logits(logits, targets)", "discriminator_loss(logits_real, logits_fake)",
             "generator_loss(logits_fake)", "gan_step(G, D, opt_G, opt_D, real, z)"]
# What building an optimiser imports (about a second): in the fork server for the student's side,
# and in the grader, while the fork server starts, for the reference's (the hidden checks).
suite = Suite("gan", FUNCTIONS, "generative adversarial networks", preload=["torch", "torch._dynamo"],
              worker_preload=["torch._dynamo"],
              relies_on={"gan_step": ("discriminator_loss", "generator_loss")}, seconds=5.0)
VALUE, GRADIENT, STEP = TOLERANCES["value"], TOLERANCES["gradient"], TOLERANCES["optimiser_step"]

SWAPPED_HINT = Hint("gan/labels_swapped",
                    "real samples are labelled 1 and fakes 0 in the discriminator's loss; yours has them swapped.")
SATURATING_HINT = Hint("gan/saturating_generator_loss", "this is the saturating loss, mean log(1 - sigmoid(D(G(z)))): "
                       "use the non-saturating one, BCE of the fakes' logits against 1, which keeps a gradient when "
                       "D rejects the fakes confidently.")
SIGMOID_HINT = Hint("gan/bce_after_sigmoid", "binary_cross_entropy on sigmoid(logits) saturates: once sigmoid rounds "
                    "to 0 or 1 its log is clamped at -100. Use F.binary_cross_entropy_with_logits on the logits "
                    "themselves.")
ZERO_G_HINT = Hint("gan/generator_gradients_not_zeroed", "G's gradients were not zeroed before its step: they still "
                   "hold the previous call's (zero opt_G's gradients before the generator's backward pass).")
D_MOVED_HINT = Hint("gan/discriminator_moved_by_generator", "D was moved by the generator's step too (D's optimiser "
                    "stepping after the generator's backward pass, or one optimiser for both players): only opt_D "
                    "moves D, before the generator's step.")
ZERO_D_HINT = Hint("gan/discriminator_gradients_not_zeroed", "D's gradients were not zeroed before its step (zero "
                   "opt_D's gradients before the discriminator's backward pass).")
NOT_DETACHED_HINT = Hint("gan/fake_not_detached", "G was moved by the discriminator's loss too: with fake not "
                         "detached, the discriminator's backward pass leaves gradients in G that its step then adds "
                         "to its own. Detach the fakes D judges for its own loss (.detach() cuts the graph back to "
                         "G), and zero opt_G's gradients before the generator's backward pass.")


def build(door, kind: str, *args):
    """``Build(kind, args)`` made on the student's side of ``door``."""
    return door.build(Build(kind, args))


# The expected results of the PyTorch functions, and of the mistakes the hints name, are computed
# by the instructor's oracle (suites/gan/oracle.py, which is not given to students: a PyTorch
# oracle for PyTorch functions would be their solution) and shipped as numbers.
EXPECTED = Path(__file__).with_name("expected.npz")


def loss_key(function: str, case_index: int) -> str:
    return f"{function}/{case_index}"


def trajectory_key(players: "Players", calls: int, mistake: str | None, stale: bool) -> str:
    fields = ",".join(f"{v}" for v in players.__dict__.values())
    return f"gan_step/{fields}/{calls}/{mistake or 'contract'}/{'stale' if stale else 'fresh'}"


# --- bce_with_logits (NumPy) ---------------------------------------------------------------------


def torch_bce(logits, targets) -> tuple[np.ndarray, np.ndarray]:
    import torch
    import torch.nn.functional as F

    z = torch.tensor(np.asarray(logits, dtype=np.float64), requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(z, torch.from_numpy(np.asarray(targets, dtype=np.float64)))
    (grad,) = torch.autograd.grad(loss, [z])
    return loss.detach().numpy(), grad.numpy()


def call_bce(door, logits, targets, outcome=None) -> tuple[float, np.ndarray]:
    value = expect_returns((outcome or door.call("bce_with_logits", logits, targets)).value, ("loss", "dlogits"),
                           "bce_with_logits")
    loss = expect_float(value[0], "loss", "bce_with_logits")
    dlogits = expect_array(value[1], "dlogits", "bce_with_logits")
    expect_shape(dlogits, logits.shape, "dlogits", "bce_with_logits")
    return loss, dlogits


def expect_bce(door, logits, targets, outcome=None) -> None:
    loss, dlogits = call_bce(door, logits, targets, outcome)
    want_loss, want_grad = torch_bce(logits, targets)
    N = len(logits)
    expect_close(np.asarray(loss), want_loss, "loss", "bce_with_logits", tolerance=VALUE,
                 source="F.binary_cross_entropy_with_logits", hints=[
                     Hint("gan/bce_summed", "the loss is the mean over the N samples, not the sum.").if_close(
                         want_loss * N, VALUE),
                     Hint("gan/log_of_sigmoid", "log(sigmoid(z)) loses everything once sigmoid(z) rounds to 0 or 1: "
                          "write log sigmoid(z) and log(1 - sigmoid(z)) through np.logaddexp (the contract gives "
                          "both identities), which never takes the log of 0.",
                          lambda a: not np.all(np.isfinite(a)))])
    expect_close(dlogits, want_grad, "dlogits", "bce_with_logits", tolerance=GRADIENT, source="torch autograd", hints=[
        Hint("gan/bce_gradient_not_averaged",
             "the loss is a mean over the N samples, so its gradient carries the same 1/N.").if_close(
            want_grad * N, GRADIENT),
        Hint("gan/bce_gradient_sign", "the sign is reversed: where the target is 0 the loss grows with z, so "
             "there the gradient must be positive.").if_close(-want_grad, GRADIENT),
        Hint("gan/sigmoid_overflow", "sigmoid(z) = 1 / (1 + exp(-z)) overflows for z < -709: use exp of -|z| only.",
             lambda a: not np.all(np.isfinite(a)))])


BCE_CASES = [
    ("N=6, targets 0, 1 and in between", np.array([0.3, -1.2, 2.5, 0.0, -0.7, 4.0]),
     np.array([1.0, 0.0, 1.0, 0.5, 0.25, 0.0])),
    ("N=1, target 1", np.array([-0.8]), np.array([1.0])),
    ("N=5, targets all 0", np.random.default_rng(0).normal(size=5) * 3, np.zeros(5)),
]


@suite.check("bce_with_logits/values", points=2)
def bce_values(ctx):
    """The loss and dlogits as F.binary_cross_entropy_with_logits and its autograd give them."""
    for label, logits, targets in BCE_CASES:
        with case(label):
            expect_bce(ctx.student, logits, targets)


@suite.check("bce_with_logits/large_logits", points=1)
def bce_large(ctx):
    """Logits of +-40, +-800 and +-1e4, right and wrong way round: finite, exact, no warning."""
    for scale in (40.0, 800.0, 1e4):
        logits = np.array([scale, -scale, scale, -scale, 0.5])
        targets = np.array([1.0, 0.0, 0.0, 1.0, 0.3])
        with case(f"logits +-{scale:g}"):
            outcome = ctx.student.call("bce_with_logits", logits, targets)
            expect_bce(ctx.student, logits, targets, outcome)
            if outcome.warnings:
                raise CheckFailure(f"bce_with_logits issued a warning for logits of +-{scale:g}: "
                                   f"{outcome.warnings[0]}.",
                                   Hint("gan/logaddexp", "np.logaddexp(0, z) is log(1 + exp(z)) without overflow."),
                                   kind="warning")


@suite.check("bce_with_logits/numeric_gradient", points=1)
def bce_numeric(ctx):
    """dlogits agrees with central differences of your loss."""
    label, logits, targets = BCE_CASES[0]
    with case(label):
        _, dlogits = call_bce(ctx.student, logits, targets)
        expect_gradient(DoorFunction(ctx.student, lambda through, z, t: np.array(call_bce(through, z, t)[0])),
                        [logits, targets], 0, dlogits,
                        np.array(1.0), function="bce_with_logits", argument="logits", gradient_name="dlogits",
                        rng=np.random.default_rng(1))


# --- the PyTorch losses --------------------------------------------------------------------------


def student_loss(door, function: str, arrays):
    """(value, [gradients]) of the student's torch loss, computed on the student's side."""
    tensors = [build(door, "tensor", a, True) for a in arrays]
    result = door.call(function, *tensors).value
    if not (isinstance(result, Handle) and result.type_name == "Tensor"):
        hint = Hint("gan/loss_item_returned", "return the loss tensor itself (not loss.item()): the caller calls "
                    "backward() on it.") if isinstance(result, float) else None
        raise CheckFailure(f"{function} should return a scalar torch.Tensor, but returned {describe_value(result)}.",
                           hint, kind="wrong_type", function=function)
    try:
        value, gradients = build(door, "value_and_gradients", result, tensors)
    except StudentProblem as problem:  # out of time or a dead worker keep their kind; the rest is the result's
        kind = problem.kind if problem.kind in ("timed_out", "crashed") else "wrong_type"
        raise CheckFailure(f"{function}'s result cannot be differentiated: {problem.message}", kind=kind,
                           function=function) from None
    return value, [np.zeros(a.shape) if g is None else np.asarray(g) for g, a in zip(gradients, arrays)]


def expect_loss(door, function: str, key: str, arrays, names) -> None:
    """The student's loss and its gradients against the precomputed ones under ``key``."""
    value, gradients = student_loss(door, function, arrays)
    data = shipped_numbers(EXPECTED)
    want, want_grads = data[f"{key}/value"], [data[f"{key}/grad/{i}"] for i in range(len(arrays))]
    mistakes = {"swapped": SWAPPED_HINT, "saturating": SATURATING_HINT, "after_sigmoid": SIGMOID_HINT}
    if function == "generator_loss":
        del mistakes["swapped"]

    def hints(index: int | None) -> list[Hint]:
        """Hints for the value (index None) or the gradient for input ``index``."""
        part = "value" if index is None else f"grad/{index}"
        return [hint.if_close(data[f"{key}/{m}/{part}"], GRADIENT) for m, hint in mistakes.items()]

    expect_close(np.asarray(value), np.asarray(want), "the loss", function, tolerance=VALUE,
                 source="the contract's loss with F.binary_cross_entropy_with_logits", hints=hints(None))
    for index, (name, got, expected) in enumerate(zip(names, gradients, want_grads)):
        expect_close(got, expected, f"the gradient for {name}", function, tolerance=GRADIENT, source="autograd",
                     hints=hints(index))


def logit_cases(count: int):
    """(label, arrays): logits shaped (N,) and (N, 1), ordinary and saturated (+-200)."""
    rng = np.random.default_rng(30 + count)
    ordinary = [rng.normal(size=5) * 2 for _ in range(count)]
    saturated = [np.array([200.0, -200.0, 150.0, -0.5]), np.array([-200.0, 200.0, -180.0, 0.3])][:count]
    return [("logits of shape (N,)", ordinary),
            ("logits of shape (N, 1)", [a[:, None] for a in ordinary]),
            ("saturated logits (+-200), shape (N, 1)", [a[:, None] for a in saturated])]


@suite.check("discriminator_loss/values", points=2)
def discriminator_values(ctx):
    """Mean BCE of the real logits against 1 plus mean BCE of the fake logits against 0, and its
    gradients, for logits shaped (N,) and (N, 1), ordinary and saturated."""
    for index, (label, arrays) in enumerate(logit_cases(2)):
        with case(label):
            expect_loss(ctx.student, "discriminator_loss", loss_key("discriminator_loss", index), arrays,
                        ["logits_real", "logits_fake"])


@suite.check("generator_loss/values", points=2)
def generator_values(ctx):
    """The non-saturating loss, mean BCE of the fake logits against 1, and its gradient."""
    for index, (label, arrays) in enumerate(logit_cases(1)):
        with case(label):
            expect_loss(ctx.student, "generator_loss", loss_key("generator_loss", index), arrays, ["logits_fake"])


# --- gan_step ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Players:
    """Two MLPs cloned from seeds and their optimisers: Adam for G, SGD with momentum for D."""

    seed: int = 0
    z_dim: int = 3
    data_dim: int = 2
    hidden: int = 8
    lr_G: float = 0.01
    beta1: float = 0.9
    lr_D: float = 0.05
    momentum: float = 0.9
    batch: int = 16

    @property
    def G_sizes(self):
        return (self.z_dim, self.hidden, self.data_dim)

    @property
    def D_sizes(self):
        return (self.data_dim, self.hidden, 1)

    def build(self, door):
        G = build(door, "mlp", self.seed, self.G_sizes)
        D = build(door, "mlp", self.seed + 1, self.D_sizes)
        return G, D, build(door, "adam", G, self.lr_G, self.beta1), build(door, "sgd", D, self.lr_D, self.momentum)

    def batches(self, calls: int, offset: int = 0):
        """(real, z) for each call: real from a Gaussian around (2, -1, ...), fresh noise every call."""
        rng = np.random.default_rng(self.seed + 100 + offset)
        centre = np.array([2.0, -1.0, 0.5, 1.5])[:self.data_dim]
        return [(rng.normal(size=(self.batch, self.data_dim)) * 0.5 + centre,
                 rng.normal(size=(self.batch, self.z_dim))) for _ in range(calls)]

    @property
    def label(self) -> str:
        return (f"G {self.G_sizes} with Adam(lr={self.lr_G}, betas=({self.beta1}, 0.999)), "
                f"D {self.D_sizes} with SGD(lr={self.lr_D}, "
                f"momentum={self.momentum}), batches of {self.batch}")


MISTAKES = {"swapped": SWAPPED_HINT, "saturating": SATURATING_HINT, "no_zero_G": ZERO_G_HINT,
            "D_moved_by_G": D_MOVED_HINT, "no_zero_D": ZERO_D_HINT, "not_detached": NOT_DETACHED_HINT}


def expected_trajectory(players: Players, calls: int, mistake: str | None, stale: bool):
    """[(d_loss, g_loss, G's parameters, D's parameters)] after each call of the contract's step
    (or of ``mistake``'s) on ``players``, as the instructor's oracle computed them."""
    key = trajectory_key(players, calls, mistake, stale)
    data = shipped_numbers(EXPECTED)
    if f"{key}/1/d_loss" not in data:
        raise KeyError(f"no precomputed trajectory {key}: run `python -m autograder stubs`")
    G_count, D_count = 2 * (len(players.G_sizes) - 1), 2 * (len(players.D_sizes) - 1)  # weight and bias per layer
    return [(float(data[f"{key}/{n}/d_loss"]), float(data[f"{key}/{n}/g_loss"]),
             [data[f"{key}/{n}/G/{k}"] for k in range(G_count)], [data[f"{key}/{n}/D/{k}"] for k in range(D_count)])
            for n in range(1, calls + 1)]


# The scenarios the public checks run: (players, calls, stale gradients beforehand).
THREE_STEPS = (Players(), 3, False)
STALE = (Players(seed=5), 2, True)
FROZEN = {"G": (Players(seed=3, lr_G=0.0), 1, False), "D": (Players(seed=4, lr_D=0.0, momentum=0.0), 1, False)}
SCENARIOS = [THREE_STEPS, STALE, *FROZEN.values()]


def mistake_hints(players: Players, calls: int, stale: bool, number: int, pick) -> list[Hint]:
    """A hint per mistake in MISTAKES: fits when the answer equals ``pick(state)`` of that
    mistake's trajectory after call ``number`` (computed only when a comparison fails)."""
    return [hint.if_close(lambda m=m: pick(expected_trajectory(players, calls, m, stale)[number - 1]), STEP)
            for m, hint in MISTAKES.items()]


def gan_step_arguments(handles, real, z) -> tuple:
    return (*handles, Build("tensor", (real,)), Build("tensor", (z,)))


def call_gan_step(door, handles, real, z) -> tuple[float, float]:
    return gan_step_losses(door.call("gan_step", *gan_step_arguments(handles, real, z)).value)


def gan_step_losses(value) -> tuple[float, float]:
    """A gan_step's value, which must be (d_loss, g_loss) as Python floats."""
    value = expect_returns(value, ("d_loss", "g_loss"), "gan_step")
    losses = []
    for name, loss in zip(("d_loss", "g_loss"), value):
        if isinstance(loss, Handle):
            raise CheckFailure(f"gan_step should return {name} as a Python float, but returned {describe_value(loss)}.",
                               Hint("gan/tensor_returned", f"return {name} as a Python float (the tensor's "
                                                               ".item()), not the tensor itself."),
                               kind="wrong_type")
        losses.append(expect_float(loss, name, "gan_step"))
    return losses[0], losses[1]


def expect_trajectory(door, players: Players, calls: int, stale: bool) -> None:
    """``calls`` consecutive gan_step calls on the student's side against the contract's."""
    handles = players.build(door)
    if stale:
        build(door, "stale_gradients", handles[0], 7)
        build(door, "stale_gradients", handles[1], 8)
    expected = expected_trajectory(players, calls, None, stale)
    for number, ((real, z), (d_want, g_want, G_want, D_want)) in enumerate(
            zip(players.batches(calls), expected), start=1):
        d_loss, g_loss = call_gan_step(door, handles, real, z)

        def hints_for(pick):
            return mistake_hints(players, calls, stale, number, pick)

        where = f"after call {number} of {calls}"
        expect_close(np.asarray(d_loss), np.asarray(d_want), f"d_loss ({where})", "gan_step", tolerance=STEP,
                     source="the contract's step", hints=hints_for(lambda s: np.asarray(s[0])))
        expect_close(np.asarray(g_loss), np.asarray(g_want), f"g_loss ({where})", "gan_step", tolerance=STEP,
                     source="the contract's step", hints=hints_for(lambda s: np.asarray(s[1])))
        for player, got, want, index in (("D", build(door, "parameters", handles[1]), D_want, 3),
                                         ("G", build(door, "parameters", handles[0]), G_want, 2)):
            for k, (g, w) in enumerate(zip(got, want)):
                expect_close(np.asarray(g), w, f"{player}'s parameter {k} ({where})", "gan_step", tolerance=STEP,
                             source="the contract's step", hints=hints_for(lambda s, i=index, k=k: s[i][k]))


@suite.check("gan_step/three_steps", points=3)
def gan_three_steps(ctx):
    """Three calls in a row with fresh noise: both losses, and every parameter of G and D after
    each call, as the contract's step gives them (within 1e-6)."""
    with case(THREE_STEPS[0].label):
        expect_trajectory(ctx.student, *THREE_STEPS)


@suite.check("gan_step/own_players", points=1)
def gan_own_players(ctx):
    """Each optimiser moves only its own player: with opt_G's learning rate 0, G stays exactly as
    it was and D moves as the contract says; with opt_D's 0, the same the other way round."""
    for frozen, (players, calls, stale) in FROZEN.items():
        with case(f"{frozen}'s learning rate 0; " + players.label):
            handles = players.build(ctx.student)
            before = {"G": build(ctx.student, "parameters", handles[0]),
                      "D": build(ctx.student, "parameters", handles[1])}
            (real, z), = players.batches(1)
            call_gan_step(ctx.student, handles, real, z)
            _, _, G_want, D_want = expected_trajectory(players, calls, None, stale)[0]
            for player, index, want in (("G", 0, G_want), ("D", 1, D_want)):
                state = 2 + index  # where this player's parameters are in a trajectory's state
                got = build(ctx.student, "parameters", handles[index])
                for k, (g, w, b) in enumerate(zip(got, want, before[player])):
                    if player == frozen and not np.array_equal(g, b):
                        raise CheckFailure(
                            f"gan_step changed {player}'s parameter {k} although opt_{player}'s learning rate is 0: "
                            f"something other than opt_{player} moved {player}.",
                            D_MOVED_HINT if player == "D" else Hint("gan/generator_moved_by_discriminator",
                                                                    "only opt_G may move G; opt_D holds D's "
                                                                    "parameters only."))
                    expect_close(np.asarray(g), w, f"{player}'s parameter {k}", "gan_step", tolerance=STEP,
                                 source="the contract's step",
                                 hints=mistake_hints(players, calls, stale, 1, lambda s, i=state, k=k: s[i][k]))


@suite.check("gan_step/stale_gradients", points=1)
def gan_stale(ctx):
    """Gradients left in every parameter of G and D by earlier work must not change the step:
    each player's gradients are zeroed before its backward pass."""
    with case("random numbers in every .grad before the first call; " + STALE[0].label):
        expect_trajectory(ctx.student, *STALE)


# --- end to end: learning a 1-D Gaussian ---------------------------------------------------------

GAUSSIAN = {"mean": 3.0, "std": 0.5, "steps": 500, "batch": 64, "z_dim": 2, "hidden": 16,
            "lr_G": 0.01, "beta1": 0.5, "lr_D": 0.05, "momentum": 0.5, "samples": 4000}
# The reference's generator over seeds 0-5: means 2.95-3.03, standard deviations 0.30-0.55 (a
# GAN's spread oscillates and tends to narrow; a collapsed generator has ~0.01).
MEAN_TOLERANCE, STD_TOLERANCE = 0.15, 0.25
STEPS_PER_REQUEST = 50  # training steps sent to the worker at once (the data is drawn beforehand)


def gaussian_players(seed: int) -> Players:
    return Players(seed=seed, z_dim=GAUSSIAN["z_dim"], data_dim=1, hidden=GAUSSIAN["hidden"], lr_G=GAUSSIAN["lr_G"],
                   beta1=GAUSSIAN["beta1"], lr_D=GAUSSIAN["lr_D"], momentum=GAUSSIAN["momentum"],
                   batch=GAUSSIAN["batch"])


def learn_gaussian(door, seed: int) -> tuple[float, float]:
    """Mean and standard deviation of G's samples after training with the door's gan_step."""
    players = gaussian_players(seed)
    handles = players.build(door)
    rng = np.random.default_rng(seed + 200)
    steps = GAUSSIAN["steps"]
    for start in range(0, steps, STEPS_PER_REQUEST):
        calls = []
        for _ in range(min(STEPS_PER_REQUEST, steps - start)):
            real = rng.normal(GAUSSIAN["mean"], GAUSSIAN["std"], size=(players.batch, 1))
            calls.append(("gan_step", gan_step_arguments(handles, real,
                                                         rng.normal(size=(players.batch, players.z_dim)))))
        for outcome in door.call_each(calls):
            gan_step_losses(outcome.value)
    samples = np.asarray(build(door, "forward", handles[0], rng.normal(size=(GAUSSIAN["samples"], players.z_dim))))
    if not np.all(np.isfinite(samples)):
        raise CheckFailure("after training with your gan_step, G produces nan or inf.", kind="not_finite")
    return float(samples.mean()), float(samples.std())


@suite.check("gan_step/learns_gaussian", points=3)
def gan_gaussian(ctx):
    """With your gan_step, a small generator learns N(3, 0.5^2) from noise: after 500 steps the
    mean of its samples is within 0.15 of 3 and their standard deviation within 0.25 of 0.5."""
    with case(f"{GAUSSIAN['steps']} steps, batches of {GAUSSIAN['batch']}, seed 0"):
        mean, std = learn_gaussian(ctx.student, 0)
        if abs(mean - GAUSSIAN["mean"]) > MEAN_TOLERANCE or abs(std - GAUSSIAN["std"]) > STD_TOLERANCE:
            raise CheckFailure(f"gan: after training with your gan_step, G's samples have mean {mean:.3f} and standard "
                               f"deviation {std:.3f}; the target is N({GAUSSIAN['mean']}, {GAUSSIAN['std']}^2) (within "
                               f"{MEAN_TOLERANCE} and {STD_TOLERANCE}).", kind="below_target",
                               numbers={"actual": [mean, std], "expected": [GAUSSIAN["mean"], GAUSSIAN["std"]],
                                        "tolerance": [MEAN_TOLERANCE, STD_TOLERANCE]})
