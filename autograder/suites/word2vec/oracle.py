"""The word2vec oracle: the trainings of the planted-topic checks run with the contract written in
PyTorch (the steps) and as plain loops (the pairs and the windows), by the instructor, to
precompute the purities the public checks compare with (``python -m autograder stubs`` writes
them to ``expected.npz``). Not part of the student bundle: its loops are the answers to
skipgram_pairs and cbow_windows."""

from __future__ import annotations

import numpy as np

from ...core.door import FunctionsDoor
from ...core.memo import once
from .public import (
    halving_tree,
    purity_key,
    torch_cbow_update,
    torch_hs_update,
    torch_probs,
    torch_update,
    train_topics,
    train_topics_cbow,
    train_topics_hs,
)

SEEDS = (0,)  # the public checks' corpus


def plain_pairs(tokens, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The contract's skip-gram pairs as loops."""
    centers, contexts = [], []
    for t in range(len(tokens)):
        for offset in [*range(-window, 0), *range(1, window + 1)]:
            if 0 <= t + offset < len(tokens):
                centers.append(tokens[t])
                contexts.append(tokens[t + offset])
    return np.array(centers, dtype=np.int64), np.array(contexts, dtype=np.int64)


def plain_windows(tokens, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The contract's CBOW windows as loops."""
    T, contexts, centers = len(tokens), [], []
    offsets = [*range(-window, 0), *range(1, window + 1)]
    for t in range(T):
        if any(0 <= t + offset < T for offset in offsets):
            contexts.append([tokens[t + offset] if 0 <= t + offset < T else -1 for offset in offsets])
            centers.append(tokens[t])
    return np.array(contexts, dtype=np.int64).reshape(-1, 2 * window), np.array(centers, dtype=np.int64)


def in_place(torch_step):
    """A torch step ``(A, B, *rest) -> (A', B', losses)`` as the contract's in-place function."""

    def update(A, B, *rest):
        new_a, new_b, losses = torch_step(A, B, *rest)
        A[...], B[...] = new_a, new_b
        return losses

    return update


def oracle_door() -> FunctionsDoor:
    """The contract's functions; the tree of the hierarchical softmax is a balanced one, as the
    public check's docstring says."""
    return FunctionsDoor({
        "skipgram_pairs": lambda tokens, window: plain_pairs(tokens.tolist(), window),
        "cbow_windows": lambda tokens, window: plain_windows(tokens.tolist(), window),
        "negative_sampling_probs": lambda counts: torch_probs(counts, 0.75),
        "huffman_codes": lambda counts: halving_tree(len(counts), 0),
        "sgns_update": in_place(torch_update), "cbow_update": in_place(torch_cbow_update),
        "hs_update": in_place(torch_hs_update)})


@once(persist=True)
def purity(training: str, seed: int) -> float:
    """The purity after ``training`` ("sgns", "cbow", "hs") with the contract's functions (kept
    on disk: the trainings take some seconds)."""
    train = {"sgns": train_topics, "cbow": train_topics_cbow, "hs": train_topics_hs}[training]
    return train(oracle_door(), seed)


def expected_values() -> dict[str, np.ndarray]:
    """{key: value} of every number the public checks compare with."""
    return {purity_key(name, seed): np.array(purity(name, seed)) for name in ("sgns", "cbow", "hs") for seed in SEEDS}
