"""Hidden checks of the word2vec assignment (instructor's copy only)."""

from __future__ import annotations

import numpy as np

from ...core.gradcheck import DoorFunction
from ...core.memo import remember_reference
from ...core.verdicts import CheckFailure, case, expect_accuracy, expect_array, expect_close, expect_equal
from .public import (
    GRADIENT,
    VALUE,
    call_huffman,
    call_loss,
    call_pairs,
    call_update,
    call_windows,
    suite,
    train_topics,
    tree_problem,
)

PURITY_MARGIN = 0.05


def sequences(seed: int, long: int, windows: int) -> list[tuple[np.ndarray, int]]:
    """(tokens, window): a sequence of ``long`` tokens of a 30-word vocabulary with windows 1 to
    ``windows``, then 100 random sequences of 0 to 15 tokens of 8 words with windows 1 to 5."""
    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, 30, size=long)
    rows = [(tokens, window) for window in range(1, windows + 1)]
    return rows + [(rng.integers(0, 8, size=int(rng.integers(0, 16))), int(rng.integers(1, 6))) for _ in range(100)]


def label(tokens: np.ndarray, window: int) -> str:
    if len(tokens) > 20:
        return f"{len(tokens)} tokens, window={window}"
    return f"window={window}, tokens={tokens.tolist()}"


def expect_as_reference(ctx, function: str, call, rows: list, names: tuple[str, str]) -> None:
    """``function`` (called through ``call``, which checks its two returned arrays, ``names``) on
    every (tokens, window) row equals the reference's; one request for each side."""
    mine = DoorFunction(ctx.student, call).many(rows)
    theirs = DoorFunction(ctx.reference, lambda through, *args: through.call(function, *args).value).many(rows)
    for (tokens, window), got, want in zip(rows, mine, theirs):
        with case(label(tokens, window)):
            for name, a, b in zip(names, got, want):
                expect_equal(a, b, name, function, source="the reference")


@suite.check("skipgram_pairs/vs_reference", points=1, reference=True)
def pairs_vs_reference(ctx):
    """A longer sequence (500 tokens of a 30-word vocabulary) with windows 1 to 6, and 100 random
    short sequences (0 to 15 tokens, windows 1 to 5): the reference's pairs."""
    expect_as_reference(ctx, "skipgram_pairs", call_pairs, sequences(20, 500, 6), ("centers", "contexts"))


@suite.check("sgns_loss/vs_reference", points=1, reference=True)
def loss_vs_reference(ctx):
    """d=50, K=20 with repeated negatives and dot products from -60 to 60: the reference's values."""
    rng = np.random.default_rng(21)
    v_c, u_o = rng.normal(size=50), rng.normal(size=50) * 1.5
    u_neg = rng.normal(size=(20, 50)) * 1.5
    u_neg[10:15] = u_neg[0]
    with case("d=50, K=20"):
        mine = call_loss(ctx.student, v_c, u_o, u_neg)
        theirs = ctx.reference.call("sgns_loss", v_c, u_o, u_neg).value
        for index, (name, a, b) in enumerate(zip(["loss", "grad_v_c", "grad_u_o", "grad_u_neg"], mine, theirs)):
            expect_close(np.asarray(a), np.asarray(b), name, "sgns_loss", tolerance=VALUE if index == 0 else GRADIENT,
                         source="the reference")


@suite.check("sgns_update/vs_reference", points=2, reference=True)
def update_vs_reference(ctx):
    """A batch of 1024 pairs over 50 words (every word repeated many times), d=16, K=5: the
    reference's W_in, W_out and losses."""
    rng = np.random.default_rng(22)
    V, d, B, K = 50, 16, 1024, 5
    W_in, W_out = rng.normal(size=(V, d)) * 0.3, rng.normal(size=(V, d)) * 0.3
    batch = (rng.integers(0, V, size=B), rng.integers(0, V, size=B), rng.integers(0, V, size=(B, K)))
    with case(f"V={V}, d={d}, B={B}, K={K}, lr=0.01"):
        new_in, new_out, losses, _ = call_update(ctx.student, W_in, W_out, *batch, 0.01)
        outcome = ctx.reference.call("sgns_update", W_in, W_out, *batch, 0.01)
        for name, a, b in (("losses", losses, outcome.value), ("W_in after the step", new_in, outcome.args_after[0]),
                           ("W_out after the step", new_out, outcome.args_after[1])):
            expect_close(a, b, name, "sgns_update", tolerance=VALUE, source="the reference")


@suite.check("sgns_update/planted_topics_vs_reference", points=1, reference=True)
def topics_vs_reference(ctx):
    """Another planted-topic corpus (seed 1): a topic purity within 0.05 of the reference's."""
    with case("planted topics, seed 1"):
        mine = train_topics(ctx.student, 1)
        theirs = remember_reference(ctx.reference, "topics/1", lambda: train_topics(ctx.reference, 1))
        expect_accuracy("sgns_update", mine, theirs, "word2vec: topic purity {mine:.3f} with your functions, below "
                        "the reference's {theirs:.3f} by more than {margin}.", margin=PURITY_MARGIN)


@suite.check("cbow_windows/vs_reference", points=1, reference=True)
def windows_vs_reference(ctx):
    """A longer sequence (300 tokens of a 30-word vocabulary) with windows 1 to 6, and 100 random
    short sequences (0 to 15 tokens, windows 1 to 5): the reference's windows."""
    expect_as_reference(ctx, "cbow_windows", call_windows, sequences(40, 300, 6), ("contexts", "centers"))


@suite.check("cbow_update/vs_reference", points=1, reference=True)
def cbow_vs_reference(ctx):
    """A batch of 512 windows of 2 x 3 words over 50 words (padded windows, every word repeated
    many times), d=16, K=5: the reference's W_in, W_out and losses."""
    rng = np.random.default_rng(41)
    V, d, B, C, K = 50, 16, 512, 6, 5
    W_in, W_out = rng.normal(size=(V, d)) * 0.3, rng.normal(size=(V, d)) * 0.3
    contexts = rng.integers(0, V, size=(B, C))
    contexts[rng.random((B, C)) < 0.2] = -1
    contexts[np.all(contexts < 0, axis=1), 0] = 7
    batch = (contexts, rng.integers(0, V, size=B), rng.integers(0, V, size=(B, K)))
    with case(f"V={V}, d={d}, B={B}, window=3, K={K}, lr=0.02"):
        outcome = ctx.student.call("cbow_update", W_in, W_out, *batch, 0.02)
        theirs = ctx.reference.call("cbow_update", W_in, W_out, *batch, 0.02)
        expect_same_step("cbow_update", ("W_in", "W_out"), outcome, theirs)


@suite.check("huffman_codes/vs_reference", points=1, reference=True)
def huffman_vs_reference(ctx):
    """Zipf-distributed counts of 500 and 2000 words: one binary tree, of the reference's cost."""
    rng = np.random.default_rng(42)
    for V in (500, 2000):
        counts = np.maximum(1, (1e5 / np.arange(1, V + 1) ** 1.1).astype(np.int64))[rng.permutation(V)]
        with case(f"V={V}, Zipf-like counts from {counts.max()} down to {counts.min()}"):
            codes, points = call_huffman(ctx.student, counts)
            problem = tree_problem(codes, points)
            if problem:
                raise CheckFailure(f"huffman_codes: not one binary tree: {problem}.")
            theirs = ctx.reference.call("huffman_codes", counts).value[0]
            cost = float(np.sum(counts * np.array([len(c) for c in codes])))
            best = float(np.sum(counts * np.array([len(c) for c in theirs])))
            if cost != best:
                raise CheckFailure(f"huffman_codes: sum(counts * code lengths) is {cost:g}, the reference's "
                                   f"{best:g}.", numbers={"actual": cost, "expected": best})


@suite.check("hs_update/vs_reference", points=1, reference=True)
def hs_vs_reference(ctx):
    """A batch of 1024 pairs over the reference's Huffman tree of 200 words (Zipf counts), d=16:
    the reference's W_in, W_node and losses."""
    rng = np.random.default_rng(43)
    V, d, B = 200, 16, 1024
    counts = np.maximum(1, (1e4 / np.arange(1, V + 1)).astype(np.int64))
    codes, points = ctx.reference.call("huffman_codes", counts).value
    W_in, W_node = rng.normal(size=(V, d)) * 0.3, rng.normal(size=(V - 1, d)) * 0.3
    probs = counts / counts.sum()
    batch = (rng.choice(V, size=B, p=probs), rng.choice(V, size=B, p=probs), codes, points)
    with case(f"V={V}, d={d}, B={B}, lr=0.02"):
        outcome = ctx.student.call("hs_update", W_in, W_node, *batch, 0.02)
        theirs = ctx.reference.call("hs_update", W_in, W_node, *batch, 0.02)
        expect_same_step("hs_update", ("W_in", "W_node"), outcome, theirs)


def expect_same_step(function: str, names: tuple[str, str], outcome, theirs) -> None:
    losses = expect_array(outcome.value, "losses", function)
    for name, a, b in (("losses", losses, theirs.value), (f"{names[0]} after the step", outcome.args_after[0],
                                                          theirs.args_after[0]),
                       (f"{names[1]} after the step", outcome.args_after[1], theirs.args_after[1])):
        a = expect_array(a, name, function)
        expect_close(a, b, name, function, tolerance=VALUE, source="the reference")
