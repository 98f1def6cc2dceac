"""Public checks of the word2vec assignment (students run these with ``pytest word2vec``).

``skipgram_pairs`` and ``cbow_windows`` are compared with pairs and windows written out in the
checks for short hand-built sequences (the longer, generated ones are compared with the reference
by the hidden checks); the loss and the updates with PyTorch's autograd in float64 (the loss of a
pair written with ``logaddexp``, the step taken from the gradient of the summed loss at the old
parameters). ``sgns_update`` is checked three ways that a fancy-indexed update (``W[idx] -= g``,
which keeps one of several updates of a repeated row) cannot all pass: on batches whose words are
all distinct, on batches full of repeats, and by training on a generated corpus whose topics it
must recover. The hints' mistaken steps (stale parameters, pair by pair) are torch steps too.

CBOW and the hierarchical softmax follow the same pattern: ``cbow_update`` and ``hs_update``
against one SGD step on PyTorch's gradient of the summed loss, on batches without repeats and on
batches full of them (contexts twice in a window, shared inner nodes: every path starts at the
root), with the hints of ``sgns_update``. ``huffman_codes`` is judged by properties, since ties may
be broken either way: one binary tree with prefix-free codes and inner nodes 0..V-2, of the optimal
cost (written in the check), frequent words never deeper than rare ones. With the student's own
tree and losses at lr = 0, exp(-loss) over all words sums to 1. Both trainings (CBOW with negative
sampling, skip-gram with the hierarchical softmax) must reach the topic purity the same trainings
reach with PyTorch's gradients, computed by the instructor's oracle and shipped as numbers
(``expected.npz``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from ...core.checks import Suite
from ...core.door import Call, Made, argument_of
from ...core.gradcheck import DoorFunction, expect_gradient
from ...core.memo import shipped_numbers
from ...core.tolerances import TOLERANCES
from ...core.verdicts import (
    CheckFailure,
    Hint,
    case,
    describe_value,
    expect_accuracy,
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
             "sgns_update(W_in, W_out, centers, contexts, negatives, lr)",
             "cbow_windows(tokens, window)",
             "cbow_update(W_in, W_out, contexts, centers, negatives, lr)",
             "huffman_codes(counts)",
             "hs_update(W_in, W_node, centers, contexts, codes, points, lr)"]
suite = Suite("word2vec", FUNCTIONS, "word2vec", preload=["torch"],
              worker_preload=["scipy.sparse"],  # the sparse matrices a fast scatter-add may use
              in_place={"sgns_update": ("W_in", "W_out"), "cbow_update": ("W_in", "W_out"),
                        "hs_update": ("W_in", "W_node")},
              relies_on={"sgns_update": ("sgns_loss",), "cbow_update": ("cbow_windows",),
                         "hs_update": ("huffman_codes",)}, seconds=3.6)
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


def call_pairs(door, tokens: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    value = expect_returns(door.call("skipgram_pairs", tokens, window).value, ("centers", "contexts"), "skipgram_pairs")
    arrays = []
    for name, array in zip(("centers", "contexts"), value):
        array = expect_array(array, name, "skipgram_pairs")
        expect_dtype(array, "iu", name, "skipgram_pairs",
                     Hint("word2vec/ids_not_integers", "word ids are integers: build the pairs by indexing tokens."))
        arrays.append(array)
    return arrays[0], arrays[1]


def expect_pairs(door, tokens: np.ndarray, window: int, expected: list[tuple[int, int]]) -> None:
    """The student's pairs against ``expected``, the (centre, context) pairs written in the check."""
    centers, contexts = call_pairs(door, tokens, window)
    want_c = np.array([c for c, _ in expected], dtype=np.int64)
    want_o = np.array([o for _, o in expected], dtype=np.int64)
    hint = [Hint("word2vec/pair_count", f"expected {len(want_c)} pairs: a position t has a context at t + offset only "
                 "when 0 <= t + offset < T (no wrapping around, no offset 0, nothing dropped near the ends).",
                 lambda a: a.shape != want_c.shape)]
    order_hint = Hint("word2vec/pair_order", "the order is by position t first, then by offset -window, ..., -1, 1, "
                      "..., window (the left context before the right, nearest last on the left and first on the "
                      "right).")
    if centers.shape == want_c.shape and contexts.shape == want_o.shape and not (
            np.array_equal(centers, want_c) and np.array_equal(contexts, want_o)):
        same_set = sorted(zip(centers.tolist(), contexts.tolist())) == sorted(expected)
        if same_set:
            raise CheckFailure(f"skipgram_pairs: the right pairs in the wrong order (window={window}, "
                               f"tokens={tokens.tolist()}).", order_hint)
    expect_equal(centers, want_c, "centers", "skipgram_pairs", source="the contract's pairs", hints=hint)
    expect_equal(contexts, want_o, "contexts", "skipgram_pairs", source="the contract's pairs", hints=hint)


@suite.check("skipgram_pairs/order", points=2)
def pairs_order(ctx):
    """Exact pairs in the contract's order for windows 1, 2 and 3, with repeated tokens."""
    for window, tokens, expected in (
            (1, [4, 7, 1, 9, 3], [(4, 7), (7, 4), (7, 1), (1, 7), (1, 9), (9, 1), (9, 3), (3, 9)]),
            (1, [5, 6, 5, 7], [(5, 6), (6, 5), (6, 5), (5, 6), (5, 7), (7, 5)]),
            (2, [5, 6, 5, 7], [(5, 6), (5, 5), (6, 5), (6, 5), (6, 7), (5, 5), (5, 6), (5, 7), (7, 6), (7, 5)]),
            (3, [2, 8, 2, 8, 6], [(2, 8), (2, 2), (2, 8), (8, 2), (8, 2), (8, 8), (8, 6), (2, 2), (2, 8), (2, 8),
                                  (2, 6), (8, 2), (8, 8), (8, 2), (8, 6), (6, 8), (6, 2), (6, 8)])):
        with case(f"window={window}, tokens={tokens}"):
            expect_pairs(ctx.student, np.array(tokens), window, expected)


@suite.check("skipgram_pairs/short_sequences", points=1)
def pairs_short(ctx):
    """Sequences shorter than the window, of one token, and of none."""
    for window, tokens, expected in ((5, np.array([3, 1, 4]), [(3, 1), (3, 4), (1, 3), (1, 4), (4, 3), (4, 1)]),
                                     (2, np.array([6, 6]), [(6, 6), (6, 6)]), (3, np.array([2]), []),
                                     (1, np.array([], dtype=np.int64), [])):
        with case(f"window={window}, tokens={tokens.tolist()}"):
            expect_pairs(ctx.student, tokens, window, expected)


# --- negative_sampling_probs --------------------------------------------------------------------


def call_probs(door, counts, *power) -> np.ndarray:
    probs = expect_array(door.call("negative_sampling_probs", counts, *power).value, "probs", "negative_sampling_probs")
    expect_shape(probs, counts.shape, "probs", "negative_sampling_probs")
    return probs


def torch_probs(counts, power: float) -> np.ndarray:
    """The contract's probabilities, computed with torch."""
    import torch

    weights = torch.tensor(counts, dtype=torch.float64).pow(power)
    return (weights / weights.sum()).numpy()


@suite.check("negative_sampling_probs/values", points=1)
def probs_values(ctx):
    """Proportional to counts ** 0.75 (the default) or the power given, summing to 1."""
    counts = np.array([50, 3, 17, 1, 240, 8])
    for power in (None, 1.0, 0.5):
        p = 0.75 if power is None else power
        with case(f"counts={counts.tolist()}, power={'default' if power is None else power}"):
            probs = call_probs(ctx.student, counts, *([] if power is None else [power]))
            expected = torch_probs(counts, p)
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
        expected = torch_probs(counts, 0.75)
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


def torch_scores(w_in, w_out, centers, contexts, negatives):
    """The batch's scores (B, 1 + K) as torch tensors: the true context's, then the negatives'."""
    import torch

    out_ids = np.concatenate([np.asarray(contexts)[:, None], np.asarray(negatives)], axis=1).astype(np.int64)
    v = w_in[torch.from_numpy(np.asarray(centers, dtype=np.int64))]
    return (w_out[torch.from_numpy(out_ids)] @ v[:, :, None])[..., 0]


def torch_pair_losses(scores, negative_sign: float = 1.0):
    """Each pair's loss (B,) from its scores (B, 1 + K)."""
    import torch

    zero = torch.zeros((), dtype=torch.float64)
    return torch.logaddexp(zero, -scores[:, 0]) + torch.logaddexp(zero, negative_sign * scores[:, 1:]).sum(1)


def torch_update(W_in, W_out, centers, contexts, negatives, lr, negative_sign: float = 1.0):
    """(W_in, W_out, losses) of the contract's step: autograd of the summed loss, then SGD."""
    import torch

    w_in, w_out = (torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in (W_in, W_out))
    losses = torch_pair_losses(torch_scores(w_in, w_out, centers, contexts, negatives), negative_sign)
    g_in, g_out = torch.autograd.grad(losses.sum(), [w_in, w_out])
    return W_in - lr * g_in.numpy(), W_out - lr * g_out.numpy(), losses.detach().numpy()


def torch_slopes(W_in, W_out, centers, contexts, negatives):
    """d (summed loss) / d score (B, 1 + K) at the tables given, from torch autograd."""
    import torch

    w_in, w_out = (torch.tensor(W, dtype=torch.float64) for W in (W_in, W_out))
    scores = torch_scores(w_in, w_out, centers, contexts, negatives).requires_grad_()
    (slopes,) = torch.autograd.grad(torch_pair_losses(scores).sum(), [scores])
    return slopes


def torch_stepped(W_in, W_out, centers, contexts, negatives, slopes, lr):
    """(W_in, W_out) after an SGD step whose slopes d loss / d score are ``slopes`` (taken at
    other tables, perhaps) and whose rows are those of the tables given: the gradient of
    sum(slopes * scores), by torch autograd."""
    import torch

    w_in, w_out = (torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in (W_in, W_out))
    surrogate = (slopes * torch_scores(w_in, w_out, centers, contexts, negatives)).sum()
    g_in, g_out = torch.autograd.grad(surrogate, [w_in, w_out])
    return W_in - lr * g_in.numpy(), W_out - lr * g_out.numpy()


def mistaken_steps(W_in, W_out, centers, contexts, negatives, lr) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W_in, W_out) after steps that use parameters already (partly) updated: one table updated,
    then the other's gradient taken with the new rows (gathered again, or the whole gradient
    recomputed), either way round; and SGD pair by pair. All from torch autograd."""
    batch = (centers, contexts, negatives)
    slopes = torch_slopes(W_in, W_out, *batch)
    right_in, right_out, _ = torch_update(W_in, W_out, *batch, lr)
    steps = [(right_in, torch_stepped(right_in, W_out, *batch, slopes, lr)[1]),
             (right_in, torch_update(right_in, W_out, *batch, lr)[1]),
             (torch_stepped(W_in, right_out, *batch, slopes, lr)[0], right_out),
             (torch_update(W_in, right_out, *batch, lr)[0], right_out)]
    pair_in, pair_out = W_in, W_out
    for b in range(len(centers)):
        pair_in, pair_out, _ = torch_update(pair_in, pair_out, *(x[b:b + 1] for x in batch), lr)
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


# The purities of the same trainings with the contract written in PyTorch (and the windows and
# pairs written as loops) are computed by the instructor's oracle (suites/word2vec/oracle.py, not
# given to students: its loops would be the answers to skipgram_pairs and cbow_windows) and
# shipped as numbers.
EXPECTED = Path(__file__).with_name("expected.npz")


def purity_key(training: str, seed: int) -> str:
    return f"purity/{training}/{seed}"


def oracle_purity(training: str, seed: int = 0) -> float:
    """The purity the oracle's training ``training`` ("sgns", "cbow", "hs") reaches on ``seed``."""
    return float(shipped_numbers(EXPECTED)[purity_key(training, seed)])


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
                               f"gradients reaches {oracle_purity('sgns'):.3f}).", kind="below_target",
                               numbers={"actual": purity, "expected": PURITY_THRESHOLD})


# --- shared by cbow_update and hs_update ----------------------------------------------------------


def stale_steps(step, A: np.ndarray, B_: np.ndarray, rows: tuple, extra: tuple, lr: float) -> list[tuple]:
    """(A, B) after the steps that use parameters already (partly) updated, with ``step`` the
    contract's (torch) step ``step(A, B, *rows, *extra, lr) -> (A', B', losses)``: one table
    updated, then the other's gradient taken at the new parameters, either way round; and SGD row
    by row (word2vec.c's order)."""
    right_a, right_b, _ = step(A, B_, *rows, *extra, lr)
    steps = [(right_a, step(right_a, B_, *rows, *extra, lr)[1]), (step(A, right_b, *rows, *extra, lr)[0], right_b)]
    a, b = A, B_
    for r in range(len(rows[0])):
        a, b, _ = step(a, b, *(x[r:r + 1] for x in rows), *extra, lr)
    steps.append((a, b))
    return steps


def expect_step(function: str, names: tuple[str, str], outcome, before: tuple, want: tuple, ids: tuple,
                hints: list[list[Hint]], losses_hints: list[Hint]) -> None:
    """The tables after the student's step (``outcome``) and its losses against ``want`` (table A,
    table B, losses); ``ids`` the rows of each table the batch uses (for the hint on repeats),
    ``hints`` each table's own hints."""
    losses = expect_array(outcome.value, "losses", function)
    expect_shape(losses, want[2].shape, "losses", function)
    for index in (1, 0):
        name, old, got = names[index], before[index], outcome.args_after[index]
        if not isinstance(got, np.ndarray) or got.shape != old.shape:
            raise CheckFailure(f"{function} replaced or reshaped {name}; it must update the array in place.",
                               kind="wrong_type")
        if np.array_equal(got, old) and not np.array_equal(want[index], old):
            raise CheckFailure(f"{function} left {name} unchanged; it must update it in place ({name}[...] -= ..., "
                               f"np.add.at(...), not {name} = ...).", Hint(
                                   "word2vec/not_in_place", f"subtract into the array you were given; {name} = "
                                   f"{name} - ... makes a new array the caller never sees."))
        expect_close(got, want[index], f"{name} after the step", function, tolerance=VALUE,
                     source="one SGD step on torch autograd's gradient of the summed loss",
                     hints=[repeats_hint(want[index], ids[index]), *hints[index]])
    expect_close(losses, want[2], "losses", function, tolerance=VALUE, source="torch, at the parameters before the "
                 "step", hints=losses_hints)


def losses_after_hint(step, after: tuple, rest: tuple) -> Hint:
    """Fits losses computed from the parameters after the step (``after``: the right tables)."""
    return Hint("word2vec/losses_after_step", "these are the losses after the step: compute them from the parameters "
                "as they were before it.").if_close(lambda: step(*after, *rest, 0.0)[2], VALUE)


# --- cbow_windows -------------------------------------------------------------------------------


def call_windows(door, tokens: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    value = expect_returns(door.call("cbow_windows", tokens, window).value, ("contexts", "centers"), "cbow_windows")
    arrays = []
    for name, array in zip(("contexts", "centers"), value):
        array = expect_array(array, name, "cbow_windows")
        expect_dtype(array, "iu", name, "cbow_windows",
                     Hint("word2vec/ids_not_integers", "word ids are integers: build the windows by indexing tokens, "
                          "with -1 (an integer) for padding."))
        arrays.append(array)
    return arrays[0], arrays[1]


def expect_windows(door, tokens: np.ndarray, window: int, expected: tuple) -> None:
    """The student's windows against ``expected``, (contexts, centers) written in the check."""
    contexts, centers = call_windows(door, tokens, window)
    want_x, want_c = expected
    want_x, want_c = np.asarray(want_x, dtype=np.int64).reshape(-1, 2 * window), np.asarray(want_c, dtype=np.int64)
    rows_hint = Hint("word2vec/window_rows", f"expected {len(want_c)} windows of {2 * window} entries: one row per "
                     "position whose window holds another token, the ends included (their windows padded with -1); "
                     "no row for a position with no other token around it.")
    expect_shape(contexts, want_x.shape, "contexts", "cbow_windows", [rows_hint])
    if contexts.shape == want_x.shape and not np.array_equal(contexts, want_x):
        padded = want_x < 0
        if np.array_equal(contexts[~padded], want_x[~padded]):
            raise CheckFailure(f"cbow_windows: the words are right but the padding is not (window={window}, "
                               f"tokens={tokens.tolist()}): contexts[{np.argwhere(contexts != want_x)[0].tolist()}] "
                               f"is {contexts[contexts != want_x][0]}.", Hint(
                                   "word2vec/window_padding", "where the window runs past either end of the "
                                   "sequence there is no word: the contract marks it -1, never a real word id "
                                   "(no wrapping around, no clipping to the first or last token)."))
    expect_equal(contexts, want_x, "contexts", "cbow_windows", source="the contract's windows", hints=[Hint(
        "word2vec/window_order", "each row lists offsets -window, ..., -1 then 1, ..., window: the left context "
        "first, nearest last, then the right context, nearest first.").when(
            lambda a: np.array_equal(np.sort(a, axis=1), np.sort(want_x, axis=1)))])
    expect_equal(centers, want_c, "centers", "cbow_windows", source="the contract's windows")


@suite.check("cbow_windows/order", points=2)
def windows_order(ctx):
    """Each centre with its window in the contract's order, padded with -1 at both ends of the
    sequence, for windows 1, 2 and 3, with repeated tokens."""
    for window, tokens, contexts, centers in (
            (1, [4, 7, 1], [[-1, 7], [4, 1], [7, -1]], [4, 7, 1]),
            (1, [5, 6, 5, 7], [[-1, 6], [5, 5], [6, 7], [5, -1]], [5, 6, 5, 7]),
            (2, [5, 6, 5, 7], [[-1, -1, 6, 5], [-1, 5, 5, 7], [5, 6, 7, -1], [6, 5, -1, -1]], [5, 6, 5, 7]),
            (3, [3, 0, 3, 3, 1], [[-1, -1, -1, 0, 3, 3], [-1, -1, 3, 3, 3, 1], [-1, 3, 0, 3, 1, -1],
                                  [3, 0, 3, 1, -1, -1], [0, 3, 3, -1, -1, -1]], [3, 0, 3, 3, 1]),
            (1, [9, 3, 9, 3, 0], [[-1, 3], [9, 9], [3, 3], [9, 0], [3, -1]], [9, 3, 9, 3, 0])):
        with case(f"window={window}, tokens={tokens} (the answer: contexts {contexts}, centers {centers})"):
            expect_windows(ctx.student, np.array(tokens), window, (contexts, centers))


@suite.check("cbow_windows/short_sequences", points=1)
def windows_short(ctx):
    """A window larger than the text, two tokens, and sequences with no window at all: one token
    (no other word around it) and none."""
    for window, tokens, expected in (
            (5, np.array([3, 1, 4]), ([[-1, -1, -1, -1, -1, 1, 4, -1, -1, -1], [-1, -1, -1, -1, 3, 4, -1, -1, -1, -1],
                                       [-1, -1, -1, 3, 1, -1, -1, -1, -1, -1]], [3, 1, 4])),
            (2, np.array([6, 2]), ([[-1, -1, 2, -1], [-1, 6, -1, -1]], [6, 2])),
            (3, np.array([2]), ([], [])),
            (1, np.array([], dtype=np.int64), ([], []))):
        with case(f"window={window}, tokens={tokens.tolist()}"):
            expect_windows(ctx.student, tokens, window, expected)


# --- cbow_update ----------------------------------------------------------------------------------


def torch_cbow_update(W_in, W_out, contexts, centers, negatives, lr, *, negative_sign: float = 1.0,
                      mean: bool = True, padding_as_word: bool = False, undivided: bool = False):
    """(W_in, W_out, losses) of the contract's CBOW step: autograd of the summed loss, then SGD.
    The keywords write mistakes: the negatives' sign, the sum of the contexts instead of their
    mean, -1 read as the last word, dL/dh given whole to each context word."""
    import torch

    w_in, w_out = (torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in (W_in, W_out))
    ids = torch.from_numpy(np.asarray(contexts, dtype=np.int64))
    valid = ids >= 0
    if padding_as_word:
        weights = torch.ones(ids.shape, dtype=torch.float64)
        ids = torch.where(valid, ids, ids + len(W_in))
    else:
        weights = valid.to(torch.float64)
        ids = torch.where(valid, ids, torch.zeros_like(ids))
    if mean:
        weights = weights / weights.sum(1, keepdim=True)
    h = (w_in[ids] * weights[..., None]).sum(1)
    u_c = w_out[torch.from_numpy(np.asarray(centers, dtype=np.int64))]
    u_neg = w_out[torch.from_numpy(np.asarray(negatives, dtype=np.int64))]
    zero = torch.zeros((), dtype=torch.float64)
    losses = (torch.logaddexp(zero, -(u_c * h).sum(1))
              + torch.logaddexp(zero, negative_sign * (u_neg @ h[:, :, None])[..., 0]).sum(1))
    g_in, g_out, g_h = torch.autograd.grad(losses.sum(), [w_in, w_out, h])
    new_in = W_in - lr * g_in.numpy()
    if undivided:  # each valid context entry (row b) receives row b's whole dL/dh
        entries = np.nonzero(np.asarray(contexts) >= 0)
        words, rows = (torch.from_numpy(a.astype(np.int64)) for a in (np.asarray(contexts)[entries], entries[0]))
        whole = torch.zeros_like(g_in).index_add_(0, words, g_h[rows])
        new_in = W_in - lr * whole.numpy()
    return new_in, W_out - lr * g_out.numpy(), losses.detach().numpy()


CBOW_NEGATIVE_SIGN_HINT = Hint("word2vec/negative_sign", "the negatives enter as -log sigmoid(-u_k . h), with a minus "
                               "sign inside the sigmoid: the loss pushes the negatives' scores down, not up.")
CBOW_SUM_HINT = Hint("word2vec/cbow_sum", "h is the mean of the context words' vectors (gensim's cbow_mean=1): divide "
                     "their sum by the number of words in the window, padding not counted.")
CBOW_PADDING_HINT = Hint("word2vec/padding_as_word", "-1 marks padding, not a word: W_in[-1] is the last word's row. "
                         "Leave the padded entries out of the mean and out of the update.")
CBOW_SHARE_HINT = Hint("word2vec/cbow_share", "W_out is right, W_in is not: h is a mean, so each context word of a "
                       "window receives dL/dh divided by the number of words in that window, not all of it.")


def cbow_arguments(rng, V: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.normal(size=(V, d)) * 0.5, rng.normal(size=(V, d)) * 0.5


def expect_cbow_update(door, W_in, W_out, contexts, centers, negatives, lr) -> None:
    """The student's CBOW step against torch's, with the hints for its classic mistakes."""
    rows = (contexts, centers, negatives)
    want = torch_cbow_update(W_in, W_out, *rows, lr)
    outcome = door.call("cbow_update", W_in, W_out, contexts, centers, negatives, lr)
    stale: list = []

    def mistaken(i: int, table: int) -> np.ndarray:
        if not stale:
            stale.extend(stale_steps(torch_cbow_update, W_in, W_out, rows, (), lr))
        return stale[i][table]

    def variant(table: int, **mistake):
        return lambda: torch_cbow_update(W_in, W_out, *rows, lr, **mistake)[table]

    hints = [[CBOW_SHARE_HINT.if_close(variant(0, undivided=True), VALUE)], []]
    for table in (0, 1):
        hints[table] += [CBOW_SUM_HINT.if_close(variant(table, mean=False), VALUE),
                         CBOW_PADDING_HINT.if_close(variant(table, padding_as_word=True), VALUE),
                         *[BEFORE_STEP_HINT.if_close(lambda i=i, t=table: mistaken(i, t), VALUE) for i in range(3)],
                         CBOW_NEGATIVE_SIGN_HINT.if_close(variant(table, negative_sign=-1.0), VALUE)]
    expect_step("cbow_update", ("W_in", "W_out"), outcome, (W_in, W_out), want,
                (contexts[contexts >= 0], np.concatenate([centers, negatives.ravel()])), hints, [
                    losses_after_hint(torch_cbow_update, want[:2], rows),
                    CBOW_SUM_HINT.if_close(lambda: torch_cbow_update(W_in, W_out, *rows, lr, mean=False)[2], VALUE),
                    CBOW_PADDING_HINT.if_close(
                        lambda: torch_cbow_update(W_in, W_out, *rows, lr, padding_as_word=True)[2], VALUE),
                    CBOW_NEGATIVE_SIGN_HINT.if_close(
                        lambda: torch_cbow_update(W_in, W_out, *rows, lr, negative_sign=-1.0)[2], VALUE)])


def cbow_distinct_batch(seed: int, V: int, d: int, B: int, C: int, K: int, padded: int):
    """Embeddings and a batch in which no word occurs twice among the contexts nor twice among
    the centres and negatives; the first ``padded`` rows have -1 at some ends (never a whole row)."""
    rng = np.random.default_rng(seed)
    W_in, W_out = cbow_arguments(rng, V, d)
    contexts = rng.permutation(V)[:B * C].reshape(B, C)
    for r in range(padded):
        contexts[r, :1 + r % (C // 2)] = -1  # the start of a sequence: the left of the window is missing
        if r % 2:
            contexts[r, -1] = -1
    out_ids = rng.permutation(V)[:B * (K + 1)].reshape(B, K + 1)
    return W_in, W_out, contexts, out_ids[:, 0].copy(), out_ids[:, 1:].copy()


def cbow_repeated_batches():
    """(label, W_in, W_out, contexts, centers, negatives): repeats within and across rows."""
    rng = np.random.default_rng(31)
    V, d = 12, 4
    W_in, W_out = cbow_arguments(rng, V, d)
    within = (np.array([[3, 3, 5, 3], [-1, 7, 7, 2], [4, 1, 3, -1], [-1, -1, 9, 9]]), np.array([6, 5, 3, 7]),
              np.array([[0, 0, 8], [5, 11, 5], [3, 3, 6], [7, 9, 7]]))
    same_centre = (np.array([[1, 2, 4, 5], [-1, 0, 2, 3], [2, 4, -1, -1], [1, 1, 1, 1], [0, 5, 4, -1]]),
                   np.array([3, 3, 3, 3, 3]), np.array([[1, 1, 2], [3, 0, 0], [4, 4, 4], [2, 5, 3], [0, 1, 5]]))
    random_rows = rng.integers(0, 6, size=(10, 4))
    random_rows[[2, 5], 0] = -1
    many = (random_rows, rng.integers(0, 6, size=10), rng.integers(0, 6, size=(10, 5)))
    return [("V=12, B=4, C=4, K=3: contexts repeated within a row, a centre that is another row's context, "
             "negatives repeated and equal to the centre", W_in, W_out, *within),
            ("one centre word for 5 windows, padded rows, a window of one word four times", W_in[:6], W_out[:6],
             *same_centre),
            ("6 words, B=10, C=4, K=5, random ids (every word repeated), two padded rows", W_in[:6], W_out[:6],
             *many)]


@suite.check("cbow_update/values", points=2)
def cbow_values(ctx):
    """W_in, W_out and the losses after one step as PyTorch computes them, on batches of distinct
    words with windows padded at the ends of a sequence, and on one with no negatives (K = 0: the
    notebook's CBOW with the hierarchical softmax steps so)."""
    for seed, (V, d, B, C, K, padded, lr) in enumerate(((60, 6, 4, 4, 5, 2, 0.2), (40, 3, 3, 6, 2, 3, 0.5),
                                                        (30, 4, 3, 4, 0, 1, 0.4))):
        args = cbow_distinct_batch(30 + seed, V, d, B, C, K, padded)
        with case(f"V={V}, d={d}, B={B}, window={C // 2}, K={K}, lr={lr}, every word once, {padded} rows padded"):
            expect_cbow_update(ctx.student, *args, lr)


@suite.check("cbow_update/repeated_indices", points=2)
def cbow_repeats(ctx):
    """A word used several times in a batch (twice in one window, in several windows, as a centre
    and as a negative) receives the sum of all its gradients."""
    for label, *args in cbow_repeated_batches():
        with case(label + ", lr=0.3"):
            expect_cbow_update(ctx.student, *args, 0.3)


# --- huffman_codes --------------------------------------------------------------------------------


def call_huffman(door, counts: np.ndarray) -> tuple[list, list]:
    value = expect_returns(door.call("huffman_codes", counts).value, ("codes", "points"), "huffman_codes")
    V, result = len(counts), []
    for name, arrays in zip(("codes", "points"), value):
        if not isinstance(arrays, (list, tuple)) or len(arrays) != V:
            raise CheckFailure(f"huffman_codes should return {name} as a list of {V} arrays (one per word), but "
                               f"returned {describe_value(arrays)}.", kind="wrong_type")
        for w, array in enumerate(arrays):
            array = expect_array(array, f"{name}[{w}]", "huffman_codes")
            expect_dtype(array, "iu", f"{name}[{w}]", "huffman_codes")
            if array.ndim != 1:
                raise CheckFailure(f"huffman_codes: {name}[{w}] has shape {array.shape}; it should be 1-D.",
                                   kind="wrong_shape")
        result.append([np.asarray(a, dtype=np.int64) for a in arrays])
    return result[0], result[1]


def tree_problem(codes: list, points: list) -> str | None:
    """What makes (codes, points) not one binary tree over the V words with inner nodes 0..V-2
    (None when they are one): equal lengths, bits 0/1, one root, each (node, bit) leading to one
    child for every word whose path goes through it, every inner node with two children."""
    V = len(codes)
    child: dict[tuple[int, int], tuple[str, int]] = {}
    roots = set()
    for w in range(V):
        bits, nodes = codes[w].tolist(), points[w].tolist()
        if len(bits) != len(nodes):
            return f"codes[{w}] has {len(bits)} bits but points[{w}] {len(nodes)} nodes; a path has one bit per node"
        if not bits:
            return f"codes[{w}] is empty: with V >= 2 words every word is at least one branch below the root"
        if any(b not in (0, 1) for b in bits):
            return f"codes[{w}] = {bits} holds a bit other than 0 or 1"
        if any(not 0 <= n <= V - 2 for n in nodes):
            return f"points[{w}] = {nodes} holds a node outside 0..{V - 2} (the V - 1 inner nodes)"
        if len(set(nodes)) != len(nodes):
            return f"points[{w}] = {nodes} passes a node twice"
        roots.add(nodes[0])
        for i, (node, bit) in enumerate(zip(nodes, bits)):
            below = ("leaf", w) if i == len(nodes) - 1 else ("node", nodes[i + 1])
            if child.setdefault((node, bit), below) != below:
                other = child[(node, bit)]
                return (f"branch {bit} of inner node {node} leads to {below[0]} {below[1]} on the path of word {w} "
                        f"but to {other[0]} {other[1]} on another path: codes[w] and points[w] must follow one tree "
                        f"from the root down")
    if len(roots) != 1:
        return f"the paths start at different nodes {sorted(roots)}; every path starts at the root"
    missing = [(n, b) for n in range(V - 1) for b in (0, 1) if (n, b) not in child]
    if missing:
        return (f"inner node {missing[0][0]} has no branch {missing[0][1]}: each of the V - 1 inner nodes 0..{V - 2} "
                f"has two children in a tree of V leaves")
    parents: dict[int, tuple[int, int]] = {}
    for (node, bit), (kind, below) in child.items():
        if kind == "node" and parents.setdefault(below, (node, bit)) != (node, bit):
            return f"inner node {below} has two parents"
    return None


def huffman_cases():
    """(label, counts, the optimal sum(counts * code lengths)): a textbook example, the smallest
    vocabulary, ties, one dominant word, Zipf-like counts. The optima are written here (the grader
    ships no Huffman coder); the hidden check compares larger vocabularies with the reference."""
    zipf = [13, 25, 13, 10, 30, 11, 21, 20, 18, 27, 23, 15, 14, 17, 16, 37, 33, 12, 50, 150, 10, 100, 300, 60, 75, 42,
            11, 12, 15, 10]
    return [("counts [45, 13, 12, 16, 9, 5] (CLRS's example)", np.array([45, 13, 12, 16, 9, 5]), 224),
            ("V=2, counts [3, 7]", np.array([3, 7]), 10),
            ("V=8, equal counts (a complete tree: every code 3 bits)", np.full(8, 4), 96),
            ("V=6, equal counts", np.full(6, 10), 160),
            ("one dominant word: counts [1000, 1, 1, 1, 1, 1, 1]", np.array([1000, 1, 1, 1, 1, 1, 1]), 1022),
            ("V=30, Zipf-like counts with ties", np.array(zipf), 4865)]


TREE_HINT = Hint("word2vec/tree_paths", "codes[w] and points[w] describe the same path, from the root down: the "
                 "first entry is the root's node and the branch taken there. Building the path by walking up from "
                 "the leaf gives it leaf first: reverse it.")


@suite.check("huffman_codes/tree", points=2)
def huffman_tree(ctx):
    """The codes and points form one binary tree: prefix-free codes, paths from one root down
    through the inner nodes 0..V-2, each of which has two children, for a textbook example, V = 2,
    equal counts and one dominant word."""
    for label, counts, _ in huffman_cases():
        with case(label):
            codes, points = call_huffman(ctx.student, counts)
            words = sorted(range(len(codes)), key=lambda w: codes[w].tolist())
            for a, b in zip(words, words[1:]):
                ca, cb = codes[a].tolist(), codes[b].tolist()
                if cb[:len(ca)] == ca:
                    raise CheckFailure(f"huffman_codes: the code of word {a}, {ca}, is a prefix of word {b}'s, {cb}: "
                                       "the words must be the leaves of the tree.", TREE_HINT)
            problem = tree_problem(codes, points)
            if problem:
                raise CheckFailure(f"huffman_codes: not one binary tree: {problem}.", TREE_HINT)


@suite.check("huffman_codes/optimal", points=2)
def huffman_optimal(ctx):
    """sum(counts * code lengths) is the Huffman optimum, and a more frequent word is never deeper
    than a rarer one (ties may be broken either way)."""
    for label, counts, best in huffman_cases():
        with case(label):
            codes, _ = call_huffman(ctx.student, counts)
            lengths = np.array([len(c) for c in codes])
            cost = float(np.sum(counts * lengths))
            deeper = [(a, b) for a in range(len(counts)) for b in range(len(counts))
                      if counts[a] > counts[b] and lengths[a] > lengths[b]]
            hint = Hint("word2vec/huffman_merge", "Huffman's rule: merge the two nodes of smallest count (a merged "
                        "node counts the sum of its two children and goes back among the candidates), until one is "
                        "left; a tree balanced by halving the vocabulary is not optimal.")
            if deeper:
                a, b = deeper[0]
                raise CheckFailure(f"huffman_codes: word {a} (count {counts[a]}) has a code of {lengths[a]} bits, "
                                   f"longer than word {b}'s (count {counts[b]}, {lengths[b]} bits).", hint,
                                   numbers={"actual": cost, "expected": best})
            if abs(cost - best) > 1e-9 * best:
                raise CheckFailure(f"huffman_codes: sum(counts * code lengths) is {cost:g}; the optimum is {best:g}.",
                                   hint, numbers={"actual": cost, "expected": best})


# --- hs_update ------------------------------------------------------------------------------------


def halving_tree(V: int, seed: int) -> tuple[list, list]:
    """A binary tree over the words in a random order, each node splitting its words in halves ("is
    the word in the first half? in the first quarter?"), nodes numbered in preorder."""
    order = np.random.default_rng(seed).permutation(V).tolist()
    codes: list[list[int]] = [[] for _ in range(V)]
    points: list[list[int]] = [[] for _ in range(V)]
    pending, number = [order], 0
    while pending:
        words = pending.pop()
        if len(words) < 2:
            continue
        half = (len(words) + 1) // 2
        for bit, part in ((0, words[:half]), (1, words[half:])):
            for w in part:
                codes[w].append(bit)
                points[w].append(number)
        number += 1
        pending += [words[half:], words[:half]]
    return [np.array(c, dtype=np.int64) for c in codes], [np.array(p, dtype=np.int64) for p in points]


def torch_hs_update(W_in, W_node, centers, contexts, codes, points, lr, *, sign: float = 1.0, swapped: bool = False):
    """(W_in, W_node, losses) of the contract's step: autograd of the summed loss, then SGD.
    ``sign=-1`` writes the flipped branch convention, ``swapped`` the centre's path predicted from
    the context's vector."""
    import torch

    if swapped:
        centers, contexts = contexts, centers
    pair = np.concatenate([np.full(len(points[o]), b) for b, o in enumerate(contexts)]).astype(np.int64)
    nodes = np.concatenate([points[o] for o in contexts]).astype(np.int64)
    s = sign * (1.0 - 2.0 * np.concatenate([codes[o] for o in contexts]))
    w_in, w_node = (torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in (W_in, W_node))
    v = w_in[torch.from_numpy(np.asarray(centers, dtype=np.int64))]
    x = (w_node[torch.from_numpy(nodes)] * v[torch.from_numpy(pair)]).sum(1)
    terms = torch.logaddexp(torch.zeros((), dtype=torch.float64), -torch.from_numpy(s) * x)
    losses = torch.zeros(len(centers), dtype=torch.float64).index_add(0, torch.from_numpy(pair), terms)
    g_in, g_node = torch.autograd.grad(losses.sum(), [w_in, w_node])
    return W_in - lr * g_in.numpy(), W_node - lr * g_node.numpy(), losses.detach().numpy()


def hs_entry_gradients(W_in, W_node, centers, contexts, codes, points):
    """(each pair's gradient for its centre's row (B, d), each (pair, node) entry's gradient for
    its node's row (entries, d), the entries' nodes), from torch autograd."""
    import torch

    pair = np.concatenate([np.full(len(points[o]), b) for b, o in enumerate(contexts)]).astype(np.int64)
    nodes = np.concatenate([points[o] for o in contexts]).astype(np.int64)
    s = torch.from_numpy(1.0 - 2.0 * np.concatenate([codes[o] for o in contexts]))
    v = torch.tensor(W_in[np.asarray(centers)], dtype=torch.float64, requires_grad=True)
    u = torch.tensor(W_node[nodes], dtype=torch.float64, requires_grad=True)
    x = (u * v[torch.from_numpy(pair)]).sum(1)
    loss = torch.logaddexp(torch.zeros((), dtype=torch.float64), -s * x).sum()
    g_v, g_u = torch.autograd.grad(loss, [v, u])
    return g_v.numpy(), g_u.numpy(), nodes


HS_SIGN_HINT = Hint("word2vec/branch_sign", "the sign convention of the branch bits: at a node with bit 0 the branch "
                    "taken has probability sigmoid(+W_node[n] . v_c), with bit 1 sigmoid(-W_node[n] . v_c) "
                    "(word2vec.c's convention, as the contract says).")
HS_REPEATS_HINT = Hint("word2vec/repeated_indices_lost", "inner nodes are shared by many paths (the root by all of "
                       "them), and a batch repeats words: W[idx] -= g keeps only one of the updates of a repeated "
                       "row. Use np.add.at or an equivalent (np.bincount, a sparse matrix product) so that they all "
                       "add up.")
HS_SWAPPED_HINT = Hint("word2vec/hs_roles_swapped", "the centre's vector v_c = W_in[centre] walks down the path of the "
                       "context word (word2vec.c does it the other way round; the contract does not).")


def expect_hs_update(door, W_in, W_node, centers, contexts, codes, points, lr) -> None:
    """The student's hierarchical-softmax step against torch's, with the hints for its mistakes."""
    rows, tree = (centers, contexts), (codes, points)
    want = torch_hs_update(W_in, W_node, *rows, *tree, lr)
    outcome = door.call("hs_update", W_in, W_node, centers, contexts, codes, points, lr)
    stale: list = []

    def mistaken(i: int, table: int) -> np.ndarray:
        if not stale:
            stale.extend(stale_steps(torch_hs_update, W_in, W_node, rows, tree, lr))
        return stale[i][table]

    def variant(table: int, **mistake):
        return lambda: torch_hs_update(W_in, W_node, *rows, *tree, lr, **mistake)[table]

    def fancy(table: int):
        """The table after ``W[ids] -= lr * g`` with every (pair, node) entry's own gradient:
        NumPy keeps the last update of a repeated row (every path repeats the root)."""
        def compute():
            g_v, g_u, nodes = hs_entry_gradients(W_in, W_node, centers, contexts, codes, points)
            new = (W_in if table == 0 else W_node).copy()
            new[centers if table == 0 else nodes] -= lr * (g_v if table == 0 else g_u)
            return new
        return compute

    hints = [[HS_REPEATS_HINT.if_close(fancy(table), VALUE), HS_SIGN_HINT.if_close(variant(table, sign=-1.0), VALUE),
              HS_SWAPPED_HINT.if_close(variant(table, swapped=True), VALUE),
              *[BEFORE_STEP_HINT.if_close(lambda i=i, t=table: mistaken(i, t), VALUE) for i in range(3)]]
             for table in (0, 1)]
    nodes = np.concatenate([points[o] for o in contexts])
    expect_step("hs_update", ("W_in", "W_node"), outcome, (W_in, W_node), want, (centers, nodes), hints, [
        losses_after_hint(torch_hs_update, want[:2], (*rows, *tree)),
        HS_SIGN_HINT.if_close(variant(2, sign=-1.0), VALUE), HS_SWAPPED_HINT.if_close(variant(2, swapped=True), VALUE)])


HS_TREE = ([np.array(c) for c in ([0, 0], [0, 1, 0], [1], [0, 1, 1])],  # a hand-built tree over 4 words
           [np.array(p) for p in ([2, 0], [2, 0, 1], [2], [2, 0, 1])])


@suite.check("hs_update/values", points=2)
def hs_values(ctx):
    """W_in, W_node and the loss after one step as PyTorch computes it, one pair at a time (no
    word and no inner node twice), for words one to six branches below the root."""
    rng = np.random.default_rng(33)
    for label, (codes, points), center, context, d, lr in (
            ("a hand-built tree of 4 words", HS_TREE, 1, 2, 5, 0.5),
            ("a hand-built tree of 4 words", HS_TREE, 0, 3, 5, 0.5),
            ("a balanced tree over 50 words", halving_tree(50, 3), 7, 12, 8, 0.3)):
        V, depth = len(codes), len(codes[context])
        W_in, W_node = rng.normal(size=(V, d)) * 0.5, rng.normal(size=(V - 1, d)) * 0.5
        with case(f"{label}, a leaf {depth} branch{'es' if depth > 1 else ''} below the root: centre {center}, "
                  f"context {context} (codes {codes[context].tolist()}, points {points[context].tolist()}), d={d}, "
                  f"lr={lr}"):
            expect_hs_update(ctx.student, W_in, W_node, np.array([center]), np.array([context]), codes, points, lr)


@suite.check("hs_update/repeated_indices", points=2)
def hs_repeats(ctx):
    """Batches of pairs that share inner nodes (every path starts at the root), centres and context
    words: every repeated row receives the sum of its gradients."""
    rng = np.random.default_rng(34)
    tree = halving_tree(12, 4)
    W_in, W_node = rng.normal(size=(12, 4)) * 0.5, rng.normal(size=(11, 4)) * 0.5
    for label, centers, contexts, codes_points in (
            ("6 pairs over a hand-built tree of 4 words, centres and contexts repeated", np.array([0, 2, 0, 3, 1, 0]),
             np.array([3, 1, 1, 0, 3, 2]), HS_TREE),
            ("5 pairs with one context word (the same path five times)", np.array([4, 7, 4, 0, 11]),
             np.array([9, 9, 9, 9, 9]), tree),
            ("12 random pairs over a balanced tree of 12 words", rng.integers(0, 12, size=12),
             rng.integers(0, 12, size=12), tree)):
        V = len(codes_points[0])
        with case(label + ", d=4, lr=0.3"):
            expect_hs_update(ctx.student, W_in[:V], W_node[:V - 1], centers, contexts, *codes_points, 0.3)


@suite.check("hs_update/sums_to_one", points=2)
def hs_sums_to_one(ctx):
    """With your huffman_codes' tree and your hs_update's losses at lr = 0, the probabilities
    exp(-loss) of all V words given a centre sum to 1: the hierarchical softmax is a softmax."""
    rng = np.random.default_rng(35)
    for counts in (np.array([30, 1, 5, 5, 12, 2, 9]), np.maximum(1, (200 / np.arange(1, 41)).astype(int))):
        V, d = len(counts), 6
        codes, points = call_huffman(ctx.student, counts)
        W_in, W_node = rng.normal(size=(V, d)), rng.normal(size=(V - 1, d))
        for center in (0, V - 1):
            with case(f"V={V}, counts={counts.tolist()[:8]}{'...' if V > 8 else ''}, centre {center}, every word "
                      "as the context, lr=0"):
                outcome = ctx.student.call("hs_update", W_in, W_node, np.full(V, center), np.arange(V), codes, points,
                                           0.0)
                losses = expect_array(outcome.value, "losses", "hs_update")
                expect_shape(losses, (V,), "losses", "hs_update")
                total = float(np.sum(np.exp(-losses.astype(np.float64))))
                if not abs(total - 1.0) <= 1e-9:
                    raise CheckFailure(
                        f"hs_update: the probabilities exp(-loss) of the {V} words sum to {total:.10g}, not 1.",
                        Hint("word2vec/not_a_softmax", "at every inner node the two branches must get probabilities "
                             "that add up to 1, sigmoid(x) and sigmoid(-x): check the sign convention of the branch "
                             "bits (bit 0 gives +, bit 1 gives -), that each node of the path is paired with its own "
                             "bit, and that the path's terms are added, not averaged."),
                        numbers={"actual": total, "expected": 1.0, "tolerance": 1e-9})


# --- end to end: CBOW with negative sampling, skip-gram with the hierarchical softmax -------------

CBOW_TOPICS = {"epochs": 8, "lr": 0.1}
HS_TOPICS = {"epochs": 5, "lr": 0.02, "batch": 512}  # few calls: each one carries the tree
TOPIC_MARGIN = 0.05  # below the purity of the same training with PyTorch's gradients


def topic_epochs(door, function: str, tables: tuple, batches, send_back: tuple[int, int]) -> tuple[np.ndarray, ...]:
    """One epoch of ``function`` in one request (as in train_topics): ``batches`` the arguments
    after the two tables; the tables come back as the last call left them."""
    calls: list = []
    for rest in batches:
        current = tables if not calls else (argument_of(len(calls) - 1, 0), argument_of(len(calls) - 1, 1))
        calls.append(Call(function, (*current, *rest)))
    last = len(calls) - 1
    *updates, first, second = door.call_each([*calls, Made(argument_of(last, send_back[0])),
                                              Made(argument_of(last, send_back[1]))])
    for call, outcome in zip(calls, updates):
        losses = expect_array(outcome.value, "losses", function)
        expect_shape(losses, (len(call.args[3]),), "losses", function)
    result = tuple(np.asarray(t.value, dtype=np.float64) for t in (first, second))
    if not all(np.all(np.isfinite(t)) for t in result):
        raise CheckFailure("training with your functions produced nan or inf embeddings.", kind="not_finite")
    return result


def train_topics_cbow(door, seed: int) -> float:
    """CBOW with negative sampling, trained with the door's cbow_windows, negative_sampling_probs
    and cbow_update on the corpus of ``seed``; the purity of W_in."""
    sentences, topic_of = topic_corpus(seed)
    rng = np.random.default_rng(seed + 2)
    V, d = len(topic_of), TOPICS["d"]
    windows = DoorFunction(door, lambda through, tokens: call_windows(through, tokens, TOPICS["window"])).many(
        [[s] for s in sentences])
    contexts, centers = np.concatenate([w[0] for w in windows]), np.concatenate([w[1] for w in windows])
    if contexts.ndim != 2 or len(contexts) != len(centers):
        raise CheckFailure("cbow_windows did not return one window per centre.", function="cbow_windows")
    probs = call_probs(door, np.bincount(np.concatenate(sentences), minlength=V))
    W_in, W_out = (rng.random((V, d)) - 0.5) / d, np.zeros((V, d))
    B = TOPICS["batch"]
    for _ in range(CBOW_TOPICS["epochs"]):
        order = rng.permutation(len(centers))
        batches = []
        for start in range(0, len(order), B):
            rows = order[start:start + B]
            negatives = rng.choice(V, size=(len(rows), TOPICS["K"]), p=probs)
            batches.append((contexts[rows], centers[rows], negatives, CBOW_TOPICS["lr"]))
        W_in, W_out = topic_epochs(door, "cbow_update", (W_in, W_out), batches, (0, 1))
    return topic_purity(W_in, topic_of)


def train_topics_hs(door, seed: int) -> float:
    """Skip-gram with the hierarchical softmax, trained with the door's skipgram_pairs,
    huffman_codes and hs_update on the corpus of ``seed``; the purity of W_in."""
    sentences, topic_of = topic_corpus(seed)
    rng = np.random.default_rng(seed + 3)
    V, d = len(topic_of), TOPICS["d"]
    pairs = DoorFunction(door, lambda through, tokens: call_pairs(through, tokens, TOPICS["window"])).many(
        [[s] for s in sentences])
    centers, contexts = np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])
    codes, points = call_huffman(door, np.maximum(1, np.bincount(np.concatenate(sentences), minlength=V)))
    W_in, W_node = (rng.random((V, d)) - 0.5) / d, np.zeros((V - 1, d))
    B = HS_TOPICS["batch"]
    for _ in range(HS_TOPICS["epochs"]):
        order = rng.permutation(len(centers))
        batches = [(centers[rows], contexts[rows], codes, points, HS_TOPICS["lr"])
                   for rows in (order[start:start + B] for start in range(0, len(order), B))]
        W_in, W_node = topic_epochs(door, "hs_update", (W_in, W_node), batches, (0, 1))
    return topic_purity(W_in, topic_of)


@suite.check("cbow_update/planted_topics", points=2)
def cbow_planted(ctx):
    """CBOW with negative sampling trained with your cbow_windows, negative_sampling_probs and
    cbow_update on the corpus of 6 planted topics reaches the topic purity of the same training
    with PyTorch's gradients (within 0.05)."""
    with case(f"{TOPICS['sentences']} sentences, d={TOPICS['d']}, window={TOPICS['window']}, K={TOPICS['K']}, "
              f"{CBOW_TOPICS['epochs']} epochs of batches of {TOPICS['batch']}, lr={CBOW_TOPICS['lr']}"):
        expect_accuracy("cbow_update", train_topics_cbow(ctx.student, 0), oracle_purity("cbow"),
                        "word2vec (CBOW): topic purity {mine:.3f} after training with your functions, below the "
                        "{theirs:.3f} of the same training with PyTorch's gradients by more than {margin}.",
                        margin=TOPIC_MARGIN)


@suite.check("hs_update/planted_topics", points=2)
def hs_planted(ctx):
    """Skip-gram with the hierarchical softmax trained with your skipgram_pairs, huffman_codes and
    hs_update on the corpus of 6 planted topics reaches the topic purity of the same training with
    PyTorch's gradients on a balanced tree (within 0.05)."""
    with case(f"{TOPICS['sentences']} sentences, d={TOPICS['d']}, window={TOPICS['window']}, "
              f"{HS_TOPICS['epochs']} epochs of batches of {HS_TOPICS['batch']}, lr={HS_TOPICS['lr']}"):
        expect_accuracy("hs_update", train_topics_hs(ctx.student, 0), oracle_purity("hs"),
                        "word2vec (hierarchical softmax): topic purity {mine:.3f} after training with your "
                        "functions, below the {theirs:.3f} of the same training with PyTorch's gradients by more "
                        "than {margin}.", margin=TOPIC_MARGIN)
