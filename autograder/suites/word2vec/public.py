"""Public checks of the word2vec assignment (students run these with ``pytest word2vec``).

``skipgram_pairs`` is compared with the contract's loops written out plainly; the loss and the
update with PyTorch's autograd in float64 (the loss of a pair written with ``logaddexp``, the
step taken from the gradient of the summed loss at the old parameters). ``sgns_update`` is
checked three ways that a fancy-indexed update (``W[idx] -= g``, which keeps one of several
updates of a repeated row) cannot all pass: on batches whose words are all distinct, on batches
full of repeats, and by training on a generated corpus whose topics it must recover.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...core.checks import Suite
from ...core.door import Call, FunctionsDoor, Made, argument_of
from ...core.gradcheck import DoorFunction, expect_gradient
from ...core.memo import once
from ...core.tolerances import TOLERANCES
from ...core.verdicts import (
    CheckFailure,
    Hint,
    case,
    expect_array,
    expect_close,
    expect_dtype,
    expect_equal,
    expect_finite,
    expect_float,
    expect_returns,
    expect_shape,
    expect_unchanged,
)

FUNCTIONS = ["skipgram_pairs(tokens, window)", "negative_sampling_probs(counts, power)",
             "sgns_loss(v_c, u_o, u_neg)",
             "sgns_update(W_in, W_out, centers, contexts, negatives, lr)"]
suite = Suite("word2vec", FUNCTIONS, "word2vec", preload=["torch"],
              worker_preload=["scipy.sparse"],  # the sparse matrices a fast scatter-add may use
              in_place={"sgns_update": ("W_in", "W_out")}, relies_on={"sgns_update": ("sgns_loss",)}, seconds=1.9)
VALUE, GRADIENT = TOLERANCES["value"], TOLERANCES["gradient"]

REPEATS_HINT = Hint("word2vec/repeated_indices_lost", "rows of words that occur once are right, rows of repeated words "
                    "are not: W[idx] -= g keeps only one of the updates of a repeated index. Use np.add.at or an "
                    "equivalent (np.bincount, a sparse matrix product) so that they all add up.")
BEFORE_STEP_HINT = Hint("word2vec/stale_parameters", "this is what updating one table (or one pair) before computing "
                        "the gradients of the rest gives: every gradient must use the parameters from before the "
                        "step; gather the rows (copies) and compute all gradients first, then update W_in and W_out.")
NEGATIVE_SIGN_HINT = Hint("word2vec/negative_sign", "the negatives enter as -log sigmoid(-u_k . v_c), with a minus "
                          "sign inside the sigmoid: the loss pushes the negatives' scores down, not up.")


# --- skipgram_pairs -----------------------------------------------------------------------------


def plain_pairs(tokens, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The contract's definition as loops."""
    centers, contexts = [], []
    for t in range(len(tokens)):
        for offset in [*range(-window, 0), *range(1, window + 1)]:
            if 0 <= t + offset < len(tokens):
                centers.append(tokens[t])
                contexts.append(tokens[t + offset])
    return np.array(centers, dtype=np.int64), np.array(contexts, dtype=np.int64)


def call_pairs(door, tokens: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    value = expect_returns(door.call("skipgram_pairs", tokens, window).value, ("centers", "contexts"), "skipgram_pairs")
    arrays = []
    for name, array in zip(("centers", "contexts"), value):
        array = expect_array(array, name, "skipgram_pairs")
        expect_dtype(array, "iu", name, "skipgram_pairs",
                     Hint("word2vec/ids_not_integers", "word ids are integers: build the pairs by indexing tokens."))
        arrays.append(array)
    return arrays[0], arrays[1]


def expect_pairs(door, tokens: np.ndarray, window: int) -> None:
    centers, contexts = call_pairs(door, tokens, window)
    want_c, want_o = plain_pairs(tokens.tolist(), window)
    hint = [Hint("word2vec/pair_count", f"expected {len(want_c)} pairs: a position t has a context at t + offset only "
                 "when 0 <= t + offset < T (no wrapping around, no offset 0, nothing dropped near the ends).",
                 lambda a: a.shape != want_c.shape)]
    order_hint = Hint("word2vec/pair_order", "the order is by position t first, then by offset -window, ..., -1, 1, "
                      "..., window (the left context before the right, nearest last on the left and first on the "
                      "right).")
    if centers.shape == want_c.shape and contexts.shape == want_o.shape and not (
            np.array_equal(centers, want_c) and np.array_equal(contexts, want_o)):
        same_set = sorted(zip(centers.tolist(), contexts.tolist())) == sorted(zip(want_c.tolist(), want_o.tolist()))
        if same_set:
            raise CheckFailure(f"skipgram_pairs: the right pairs in the wrong order (window={window}, "
                               f"tokens={tokens.tolist()[:12]}{'...' if len(tokens) > 12 else ''}).", order_hint)
    expect_equal(centers, want_c, "centers", "skipgram_pairs", source="the contract's order", hints=hint)
    expect_equal(contexts, want_o, "contexts", "skipgram_pairs", source="the contract's order", hints=hint)


@suite.check("skipgram_pairs/order", points=2)
def pairs_order(ctx):
    """Exact pairs in the contract's order for windows 1, 2 and 3, with repeated tokens."""
    rng = np.random.default_rng(0)
    for window, tokens in ((1, np.array([4, 7, 1, 9, 3])), (2, np.array([5, 5, 2, 5, 8, 2, 0])),
                           (3, rng.integers(0, 6, size=15))):
        with case(f"window={window}, tokens={tokens.tolist()}"):
            expect_pairs(ctx.student, tokens, window)


@suite.check("skipgram_pairs/short_sequences", points=1)
def pairs_short(ctx):
    """Sequences shorter than the window, of one token, and of none."""
    for window, tokens in ((5, np.array([3, 1, 4])), (2, np.array([6, 6])), (3, np.array([2])),
                           (1, np.array([], dtype=np.int64))):
        with case(f"window={window}, tokens={tokens.tolist()}"):
            expect_pairs(ctx.student, tokens, window)


# --- negative_sampling_probs --------------------------------------------------------------------


def call_probs(door, counts, *power) -> np.ndarray:
    probs = expect_array(door.call("negative_sampling_probs", counts, *power).value, "probs", "negative_sampling_probs")
    expect_shape(probs, counts.shape, "probs", "negative_sampling_probs")
    return probs


@suite.check("negative_sampling_probs/values", points=1)
def probs_values(ctx):
    """Proportional to counts ** 0.75 (the default) or the power given, summing to 1."""
    counts = np.array([50, 3, 17, 1, 240, 8])
    for power in (None, 1.0, 0.5):
        p = 0.75 if power is None else power
        with case(f"counts={counts.tolist()}, power={'default' if power is None else power}"):
            probs = call_probs(ctx.student, counts, *([] if power is None else [power]))
            expected = counts.astype(np.float64) ** p / np.sum(counts.astype(np.float64) ** p)
            expect_close(probs, expected, "probs", "negative_sampling_probs", tolerance=VALUE,
                         source=f"counts ** {p} / sum(counts ** {p})", hints=[
                             Hint("word2vec/power_missing", "raise the counts to the power (0.75 by default) before "
                                  "normalising.").if_close(counts / counts.sum(), VALUE),
                             Hint("word2vec/not_normalised", "divide by the sum so that the probabilities add up to "
                                  "1.").if_close(counts ** p, VALUE)])


@suite.check("negative_sampling_probs/zero_counts", points=1)
def probs_zero(ctx):
    """Words that never occur get probability 0; the rest still sum to 1."""
    counts = np.array([0, 12, 0, 5, 1, 0])
    with case(f"counts={counts.tolist()}"):
        probs = call_probs(ctx.student, counts)
        expected = counts ** 0.75 / np.sum(counts ** 0.75)
        expect_finite(probs, "probs", "negative_sampling_probs")
        expect_close(probs, expected, "probs", "negative_sampling_probs", tolerance=VALUE,
                     source="counts ** 0.75 / sum(counts ** 0.75)",
                     hints=[Hint("word2vec/counts_smoothed", "a word with count 0 is never drawn: no smoothing of the "
                                 "counts.", lambda a: np.all(np.asarray(a)[counts == 0] > 0))])


# --- sgns_loss ----------------------------------------------------------------------------------


def torch_pair_loss(v_c, u_o, u_neg, negative_sign: float = 1.0):
    """The contract's loss of one pair; ``negative_sign=-1`` writes the sign mistake."""
    import torch

    zero = torch.zeros((), dtype=torch.float64)
    return torch.logaddexp(zero, -(u_o @ v_c)) + torch.logaddexp(zero, negative_sign * (u_neg @ v_c)).sum()


def torch_loss_and_grads(v_c, u_o, u_neg, negative_sign: float = 1.0) -> list[np.ndarray]:
    import torch

    inputs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (v_c, u_o, u_neg)]
    loss = torch_pair_loss(*inputs, negative_sign=negative_sign)
    return [loss.detach().numpy()] + [g.numpy() for g in torch.autograd.grad(loss, inputs)]


LOSS_OUTPUTS = ["loss", "grad_v_c", "grad_u_o", "grad_u_neg"]


def call_loss(door, v_c, u_o, u_neg) -> list:
    return loss_outputs(door.call("sgns_loss", v_c, u_o, u_neg).value, v_c, u_o, u_neg)


def loss_outputs(value, v_c, u_o, u_neg) -> list:
    value = expect_returns(value, LOSS_OUTPUTS, "sgns_loss")
    results = [expect_float(value[0], "loss", "sgns_loss")]
    for name, array, shape in zip(LOSS_OUTPUTS[1:], value[1:], (v_c.shape, u_o.shape, u_neg.shape)):
        array = expect_array(array, name, "sgns_loss")
        expect_shape(array, shape, name, "sgns_loss")
        results.append(array)
    return results


def loss_cases():
    """(label, v_c, u_o, u_neg): ordinary vectors, and negatives with a repeated row."""
    rng = np.random.default_rng(3)
    u_neg = rng.normal(size=(5, 8)) * 0.4
    u_neg[3] = u_neg[1]
    return [("d=8, K=5", rng.normal(size=8) * 0.5, rng.normal(size=8) * 0.5, rng.normal(size=(5, 8)) * 0.5),
            ("d=8, K=5, rows 1 and 3 of u_neg equal", rng.normal(size=8) * 0.5, rng.normal(size=8) * 0.5, u_neg),
            ("d=3, K=1", rng.normal(size=3), rng.normal(size=3), rng.normal(size=(1, 3)))]


@suite.check("sgns_loss/values", points=2)
def loss_values(ctx):
    """The loss and its three gradients as PyTorch's autograd computes them (float64)."""
    for label, *args in loss_cases():
        with case(label):
            mine = call_loss(ctx.student, *args)
            expected = torch_loss_and_grads(*args)
            for index, (name, value, want) in enumerate(zip(LOSS_OUTPUTS, mine, expected)):
                expect_close(np.asarray(value), want, name, "sgns_loss", tolerance=VALUE if index == 0 else GRADIENT,
                             source="torch autograd", hints=[NEGATIVE_SIGN_HINT.if_close(
                                 lambda i=index, a=args: torch_loss_and_grads(*a, negative_sign=-1.0)[i], GRADIENT)])


@suite.check("sgns_loss/numeric_gradient", points=1)
def loss_numeric(ctx):
    """Each gradient agrees with central differences of your loss."""
    _, *args = loss_cases()[1]
    rng = np.random.default_rng(5)
    with case("d=8, K=5"):
        mine = call_loss(ctx.student, *args)
        for index, name in enumerate(("v_c", "u_o", "u_neg")):
            expect_gradient(DoorFunction(ctx.student, lambda through, *a: np.array(call_loss(through, *a)[0])),
                            list(args), index, mine[index + 1],
                            np.array(1.0), function="sgns_loss", argument=name, gradient_name=f"grad_{name}", rng=rng)


@suite.check("sgns_loss/large_dot_products", points=1)
def loss_large(ctx):
    """Dot products of +-1e3 (and +-40): finite, exact values and gradients, no warning."""
    for scale in (40.0, 1e3):
        for sign in (1.0, -1.0):
            v_c = np.array([1.0, 0.0, 0.0])
            u_o = np.array([sign * scale, 0.5, -0.5])
            u_neg = np.array([[-sign * scale, 1.0, 1.0], [sign * scale, 0.0, 2.0], [0.3, 1.0, 0.0]])
            label = f"u_o . v_c = {sign * scale:g}, negatives' dot products {-sign * scale:g}, {sign * scale:g}, 0.3"
            with case(label):
                outcome = ctx.student.call("sgns_loss", v_c, u_o, u_neg)
                mine = loss_outputs(outcome.value, v_c, u_o, u_neg)
                expected = torch_loss_and_grads(v_c, u_o, u_neg)
                for index, (name, value, want) in enumerate(zip(LOSS_OUTPUTS, mine, expected)):
                    expect_close(np.asarray(value), want, name, "sgns_loss",
                                 tolerance=VALUE if index == 0 else GRADIENT,
                                 source="torch autograd", hints=[Hint(
                                     "word2vec/log_of_sigmoid", "log(sigmoid(x)) loses everything once sigmoid(x) "
                                     "rounds to 0 or 1: write log sigmoid(x) through np.logaddexp (the contract gives "
                                     "the identity), and sigmoid with exp of -|x| only.",
                                     lambda a: not np.all(np.isfinite(a)) or index == 0)])
                if outcome.warnings:
                    raise CheckFailure(f"sgns_loss issued a warning for dot products of {scale:g}: "
                                       f"{outcome.warnings[0]}.", Hint("word2vec/logaddexp",
                                                                       "use np.logaddexp(0, x) for log(1 + exp(x))."),
                                       kind="warning")


# --- sgns_update --------------------------------------------------------------------------------


def torch_update(W_in, W_out, centers, contexts, negatives, lr, negative_sign: float = 1.0):
    """(W_in, W_out, losses) of the contract's step: autograd of the summed loss, then SGD."""
    import torch

    w_in, w_out = (torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in (W_in, W_out))
    v = w_in[torch.from_numpy(np.asarray(centers, dtype=np.int64))]
    u_o = w_out[torch.from_numpy(np.asarray(contexts, dtype=np.int64))]
    u_neg = w_out[torch.from_numpy(np.asarray(negatives, dtype=np.int64))]
    zero = torch.zeros((), dtype=torch.float64)
    losses = (torch.logaddexp(zero, -(u_o * v).sum(1))
              + torch.logaddexp(zero, negative_sign * (u_neg @ v[:, :, None])[..., 0]).sum(1))
    g_in, g_out = torch.autograd.grad(losses.sum(), [w_in, w_out])
    return W_in - lr * g_in.numpy(), W_out - lr * g_out.numpy(), losses.detach().numpy()


def numpy_step_parts(W_in, W_out, centers, contexts, negatives):
    """(out_ids, coefficients, v, u): the batch's rows and each score's slope, in NumPy."""
    out_ids = np.concatenate([contexts[:, None], negatives], axis=1)
    v, u = W_in[centers], W_out[out_ids]
    scores = np.einsum("bjd,bd->bj", u, v)
    coefficients = 1 / (1 + np.exp(-scores))  # d loss / d score: sigmoid(s) - 1 for the context
    coefficients[:, 0] -= 1
    return out_ids, coefficients, v, u


def stepped_in(W_in, centers, coefficients, u, lr) -> np.ndarray:
    """W_in after the step with the centres' gradient from ``coefficients`` and context rows ``u``."""
    new = W_in.copy()
    np.add.at(new, centers, -lr * np.einsum("bj,bjd->bd", coefficients, u))
    return new


def stepped_out(W_out, out_ids, coefficients, v, lr) -> np.ndarray:
    """W_out after the step with the contexts' gradients from ``coefficients`` and centre rows ``v``."""
    new = W_out.copy()
    np.add.at(new, out_ids, -lr * coefficients[:, :, None] * v[:, None, :])
    return new


def mistaken_steps(W_in, W_out, centers, contexts, negatives, lr) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W_in, W_out) after steps that use parameters already (partly) updated: one table updated,
    then the other's gradient taken with the new rows (gathered again, or the whole gradient
    recomputed), either way round; and SGD pair by pair."""
    ids, c, v, u = numpy_step_parts(W_in, W_out, centers, contexts, negatives)
    right_in, right_out = stepped_in(W_in, centers, c, u, lr), stepped_out(W_out, ids, c, v, lr)
    _, c_new_in, v_new, _ = numpy_step_parts(right_in, W_out, centers, contexts, negatives)
    _, c_new_out, _, u_new = numpy_step_parts(W_in, right_out, centers, contexts, negatives)
    steps = [(right_in, stepped_out(W_out, ids, c, v_new, lr)),
             (right_in, stepped_out(W_out, ids, c_new_in, v_new, lr)),
             (stepped_in(W_in, centers, c, u_new, lr), right_out),
             (stepped_in(W_in, centers, c_new_out, u_new, lr), right_out)]
    pair_in, pair_out = W_in, W_out
    for b in range(len(centers)):
        pair = (centers[b:b + 1], contexts[b:b + 1], negatives[b:b + 1])
        ids_b, c_b, v_b, u_b = numpy_step_parts(pair_in, pair_out, *pair)
        pair_in, pair_out = stepped_in(pair_in, pair[0], c_b, u_b, lr), stepped_out(pair_out, ids_b, c_b, v_b, lr)
    steps.append((pair_in, pair_out))
    return steps


def repeats_hint(expected: np.ndarray, ids: np.ndarray) -> Hint:
    """Fits when the rows of words occurring once in ``ids`` are right and some repeated ones are not."""
    occurrences = np.bincount(np.ravel(ids), minlength=len(expected))
    once, repeated = occurrences == 1, occurrences > 1

    def applies(actual) -> bool:
        ok = np.all(np.abs(np.asarray(actual) - expected) <= VALUE.bound(expected), axis=1)
        return bool(once.any() and repeated.any() and ok[once].all() and not ok[repeated].all())

    return REPEATS_HINT.when(applies)


def call_update(door, W_in, W_out, centers, contexts, negatives, lr):
    """(W_in after, W_out after, losses, outcome) of one call of the student's sgns_update."""
    outcome = door.call("sgns_update", W_in, W_out, centers, contexts, negatives, lr)
    losses = expect_array(outcome.value, "losses", "sgns_update")
    expect_shape(losses, centers.shape, "losses", "sgns_update")
    new_in, new_out = outcome.args_after[0], outcome.args_after[1]
    for name, old, new in (("W_in", W_in, new_in), ("W_out", W_out, new_out)):
        if not isinstance(new, np.ndarray) or new.shape != old.shape:
            raise CheckFailure(f"sgns_update replaced or reshaped {name}; it must update the array in place.",
                               kind="wrong_type")
    return new_in, new_out, losses, outcome


def expect_update(door, W_in, W_out, centers, contexts, negatives, lr) -> None:
    """The student's step against torch's, with the hints for its classic mistakes."""
    want_in, want_out, _ = torch_update(W_in, W_out, centers, contexts, negatives, lr)
    stale: list = []  # mistaken_steps, computed once when a hint first needs it

    def mistaken(i: int, table: int) -> np.ndarray:
        if not stale:
            stale.extend(mistaken_steps(W_in, W_out, centers, contexts, negatives, lr))
        return stale[i][table]

    new_in, new_out, _, _ = call_update(door, W_in, W_out, centers, contexts, negatives, lr)
    for name, index, got, want, ids in (("W_out", 1, new_out, want_out, np.concatenate([contexts, negatives.ravel()])),
                                        ("W_in", 0, new_in, want_in, centers)):
        if np.array_equal(got, W_in if index == 0 else W_out) and not np.array_equal(want, got):
            raise CheckFailure(f"sgns_update left {name} unchanged; it must update it in place "
                               f"({name}[...] -= ..., np.add.at(...), not {name} = ...).")
        expect_close(got, want, f"{name} after the step", "sgns_update", tolerance=VALUE,
                     source="one SGD step on torch autograd's gradient of the summed loss", hints=[
                         repeats_hint(want, ids),
                         *[BEFORE_STEP_HINT.if_close(lambda i=i, t=index: mistaken(i, t), VALUE) for i in range(5)],
                         NEGATIVE_SIGN_HINT.if_close(
                             lambda: torch_update(W_in, W_out, centers, contexts, negatives, lr, -1.0)[index], VALUE)])


def distinct_batch(seed: int, V: int, d: int, B: int, K: int):
    """Embeddings and a batch in which no word occurs twice in W_in's ids nor twice in W_out's."""
    rng = np.random.default_rng(seed)
    W_in, W_out = rng.normal(size=(V, d)) * 0.5, rng.normal(size=(V, d)) * 0.5
    centers = rng.permutation(V)[:B]
    out_ids = rng.permutation(V)[:B * (K + 1)].reshape(B, K + 1)
    return W_in, W_out, centers, out_ids[:, 0].copy(), out_ids[:, 1:].copy()


def repeated_batches():
    """(label, W_in, W_out, centers, contexts, negatives): repeats within and across the three."""
    rng = np.random.default_rng(11)
    V, d = 20, 4
    W_in, W_out = rng.normal(size=(V, d)) * 0.5, rng.normal(size=(V, d)) * 0.5
    contexts, negatives = rng.integers(0, V, size=6), rng.integers(0, V, size=(6, 4))
    negatives[0] = [5, 5, 9, contexts[1]]
    some = (np.array([3, 7, 3, 12, 7, 3]), contexts, negatives)
    many = (rng.integers(0, 6, size=10), rng.integers(0, 6, size=10), rng.integers(0, 6, size=(10, 5)))
    same_centre = (np.array([2, 2, 2, 2]), np.array([0, 1, 5, 0]),
                   np.array([[3, 3, 3], [4, 3, 1], [1, 1, 0], [5, 4, 3]]))
    return [("V=20, B=6, K=4, some words repeated (within a row of negatives, across pairs, as context and "
             "negative)", W_in, W_out, *some),
            ("6 words, B=10, K=5, random ids (every word repeated)", W_in[:6], W_out[:6], *many),
            ("one centre word for 4 pairs; negatives repeated within rows and equal to contexts", W_in[:6], W_out[:6],
             *same_centre)]


@suite.check("sgns_update/values", points=2)
def update_values(ctx):
    """W_in and W_out after one step as PyTorch computes it, on batches of distinct words."""
    for seed, (V, d, B, K, lr) in enumerate(((40, 6, 5, 5, 0.1), (30, 3, 4, 2, 0.5))):
        args = distinct_batch(seed, V, d, B, K)
        with case(f"V={V}, d={d}, B={B}, K={K}, lr={lr}, every word once"):
            expect_update(ctx.student, *args, lr)


@suite.check("sgns_update/repeated_indices", points=2)
def update_repeats(ctx):
    """A word used several times in a batch (as a centre, a context or a negative, within a pair
    or across pairs) receives the sum of all its gradients."""
    for label, *args in repeated_batches():
        with case(label + ", lr=0.3"):
            expect_update(ctx.student, *args, 0.3)


@suite.check("sgns_update/losses", points=1)
def update_losses(ctx):
    """The returned losses are every pair's loss before the step."""
    for label, *args in [("distinct words", *distinct_batch(7, 40, 6, 5, 5)), repeated_batches()[0]]:
        with case(label):
            _, _, losses, _ = call_update(ctx.student, *args, 0.3)
            want_in, want_out, expected = torch_update(*args, 0.3)
            after = torch_update(want_in, want_out, *args[2:], 0.0)[2]
            expect_close(losses, expected, "losses", "sgns_update", tolerance=VALUE,
                         source="torch, at the parameters before the step", hints=[
                             Hint("word2vec/losses_after_step", "these are the losses after the step: compute them "
                                  "from the parameters as they were before it.").if_close(after, VALUE),
                             NEGATIVE_SIGN_HINT.if_close(lambda: torch_update(*args, 0.3, -1.0)[2], VALUE)])


@suite.check("sgns_update/in_place", points=1)
def update_in_place(ctx):
    """W_in and W_out change in place, and only the rows of the batch's words; centers, contexts,
    negatives stay as they were."""
    W_in, W_out, centers, contexts, negatives = distinct_batch(9, 40, 6, 5, 5)
    outcome = ctx.student.call("sgns_update", W_in, W_out, centers, contexts, negatives, 0.1)
    expect_unchanged("sgns_update", ["centers", "contexts", "negatives"], [centers, contexts, negatives],
                     replace(outcome, args_after=outcome.args_after[2:5]))
    for name, old, new, used in (("W_in", W_in, outcome.args_after[0], centers),
                                 ("W_out", W_out, outcome.args_after[1], np.r_[contexts, negatives.ravel()])):
        if not isinstance(new, np.ndarray) or new.shape != old.shape or np.array_equal(new, old):
            raise CheckFailure(f"sgns_update did not update {name} in place.",
                               Hint("word2vec/not_in_place", f"subtract into the array you were given ({name}[rows] "
                                    f"-= ..., np.add.at({name}, ...)); {name} = {name} - ... makes a new array the "
                                    "caller never sees."))
        others = np.setdiff1d(np.arange(len(old)), used)
        if not np.array_equal(new[others], old[others]):
            row = int(others[np.flatnonzero(np.any(new[others] != old[others], axis=1))[0]])
            raise CheckFailure(f"sgns_update changed row {row} of {name}, a word that is not in the batch.")


# --- end to end: topics planted in a generated corpus -------------------------------------------

TOPICS = {"topics": 6, "words_per_topic": 6, "common_words": 4, "sentences": 240, "length": 12,
          "on_topic": 0.8, "d": 16, "window": 2, "K": 5, "batch": 128, "epochs": 6, "lr": 0.05}
PURITY_NEIGHBOURS = 5
PURITY_THRESHOLD = 0.9  # the reference reaches 1.0 on the public seed


def topic_corpus(seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Sentences of word ids, and each word's topic (-1 for the common words). A sentence is about
    one topic: each word is one of its topic's words (probability 0.8) or a common word."""
    rng = np.random.default_rng(seed)
    n_topics, per_topic, common = TOPICS["topics"], TOPICS["words_per_topic"], TOPICS["common_words"]
    topic_of = np.r_[np.repeat(np.arange(n_topics), per_topic), -np.ones(common, dtype=int)]
    perm = rng.permutation(len(topic_of))  # word ids do not reveal the topics
    topic_of = topic_of[np.argsort(perm)]
    sentences = []
    for _ in range(TOPICS["sentences"]):
        topic = rng.integers(n_topics)
        own, shared = np.flatnonzero(topic_of == topic), np.flatnonzero(topic_of == -1)
        on = rng.random(TOPICS["length"]) < TOPICS["on_topic"]
        sentences.append(np.where(on, rng.choice(own, TOPICS["length"]), rng.choice(shared, TOPICS["length"])))
    return sentences, topic_of


def topic_purity(W: np.ndarray, topic_of: np.ndarray) -> float:
    """Over the topic words: the fraction of each one's 5 nearest words (cosine) of its own topic."""
    unit = W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-300)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    words = np.flatnonzero(topic_of >= 0)
    nearest = np.argsort(-similarity[words], axis=1, kind="stable")[:, :PURITY_NEIGHBOURS]
    return float(np.mean(topic_of[nearest] == topic_of[words][:, None]))


def train_topics(door, seed: int) -> float:
    """Trains skip-gram with the door's three functions on the corpus of ``seed``; the purity."""
    sentences, topic_of = topic_corpus(seed)
    rng = np.random.default_rng(seed + 1)
    V, d = len(topic_of), TOPICS["d"]
    pairs = DoorFunction(door, lambda through, tokens: call_pairs(through, tokens, TOPICS["window"])).many(
        [[s] for s in sentences])  # every sentence's pairs in one request
    centers, contexts = np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])
    counts = np.bincount(np.concatenate(sentences), minlength=V)
    probs = call_probs(door, counts)
    if not (np.all(probs >= 0) and abs(probs.sum() - 1) < 1e-9):
        raise CheckFailure("negative_sampling_probs did not return a probability distribution.",
                           function="negative_sampling_probs")
    W_in, W_out = (rng.random((V, d)) - 0.5) / d, np.zeros((V, d))
    B = TOPICS["batch"]
    for _ in range(TOPICS["epochs"]):
        # An epoch in one request: each call updates in place the tables the call before it was
        # given (they stay on the student's side); the last two parts read them back.
        order = rng.permutation(len(centers))
        calls: list = []
        for start in range(0, len(order), B):
            rows = order[start:start + B]
            negatives = rng.choice(V, size=(len(rows), TOPICS["K"]), p=probs)
            tables = (W_in, W_out) if not calls else (argument_of(len(calls) - 1, 0), argument_of(len(calls) - 1, 1))
            calls.append(Call("sgns_update", (*tables, centers[rows], contexts[rows], negatives, TOPICS["lr"])))
        last = len(calls) - 1
        *updates, W_in, W_out = door.call_each([*calls, Made(argument_of(last, 0)), Made(argument_of(last, 1))])
        for call, outcome in zip(calls, updates):
            losses = expect_array(outcome.value, "losses", "sgns_update")
            expect_shape(losses, call.args[2].shape, "losses", "sgns_update")
        W_in, W_out = np.asarray(W_in.value, dtype=np.float64), np.asarray(W_out.value, dtype=np.float64)
        if not (np.all(np.isfinite(W_in)) and np.all(np.isfinite(W_out))):
            raise CheckFailure("training with your functions produced nan or inf embeddings.", kind="not_finite")
    return topic_purity(W_in, topic_of)


@once(persist=True)
def oracle_purity(seed: int) -> float:
    """The same training with the grader's own functions (the contract written with torch)."""

    def sgns_update(W_in, W_out, *rest):
        new_in, new_out, losses = torch_update(W_in, W_out, *rest)
        W_in[...], W_out[...] = new_in, new_out
        return losses

    return train_topics(FunctionsDoor({
        "skipgram_pairs": lambda tokens, window: plain_pairs(tokens.tolist(), window),
        "negative_sampling_probs": lambda counts: counts ** 0.75 / np.sum(counts ** 0.75),
        "sgns_update": sgns_update}), seed)


@suite.check("sgns_update/planted_topics", points=3)
def planted_topics(ctx):
    """Skip-gram trained with your three functions on a generated corpus of 6 topics (sentences
    made of one topic's words and a few common words) puts each word next to its topic: at least
    90% of every topic word's 5 nearest neighbours (cosine, W_in) share its topic."""
    with case(f"{TOPICS['sentences']} sentences, d={TOPICS['d']}, window={TOPICS['window']}, K={TOPICS['K']}, "
              f"{TOPICS['epochs']} epochs of batches of {TOPICS['batch']}, lr={TOPICS['lr']}"):
        purity = train_topics(ctx.student, 0)
        if purity < PURITY_THRESHOLD:
            raise CheckFailure(f"word2vec: topic purity {purity:.3f} of the nearest neighbours after training with "
                               f"your functions, below {PURITY_THRESHOLD} (the same training with PyTorch's "
                               f"gradients reaches {oracle_purity(0):.3f}).", kind="below_target",
                               numbers={"actual": purity, "expected": PURITY_THRESHOLD})
