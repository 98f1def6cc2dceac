"""word2vec: skip-gram with negative sampling (lecture notes 4.3).

Every word of a vocabulary of V words gets two vectors of d numbers: ``W_in[w]`` when w is the
centre word, ``W_out[w]`` when it is a context word. Skip-gram slides a window over the text and
asks, for each centre word, to recognise the words around it. A softmax over the whole
vocabulary would cost V dot products per pair; negative sampling instead compares the true
context word with K words drawn at random ("negatives", K = 5 as gensim recommends) and asks the
model to tell them apart:

    loss = -log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_k . v_c)

Tokens are integer word ids in [0, V).
"""

import numpy as np
from scipy import sparse


def skipgram_pairs(tokens, window):
    """Training pairs of skip-gram.

    Args:
        tokens: (T,) integer word ids.
        window: how many words on each side count as context, an int >= 1.

    Returns:
        centers, contexts: (P,) integer arrays. For each position t in order, and for each
        offset -window, ..., -1, 1, ..., window in that order with 0 <= t + offset < T, the
        pair (tokens[t], tokens[t + offset]).

    Raises:
        ValueError if window < 1 or tokens is not a 1-D array of integers.
    """
    ### BEGIN SOLUTION
    tokens = np.asarray(tokens)
    if tokens.ndim != 1 or (tokens.size and tokens.dtype.kind not in "iu"):
        raise ValueError(f"tokens must be a 1-D array of integer word ids; got shape {tokens.shape}, "
                         f"dtype {tokens.dtype}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be an integer >= 1; got {window!r}")
    T = len(tokens)
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    positions = np.arange(T)[:, None]
    around = positions + offsets[None, :]  # (T, 2 * window), row-major = the contract's order
    valid = (around >= 0) & (around < T)
    tokens = tokens.astype(np.int64, copy=False)
    return np.broadcast_to(tokens[:, None], around.shape)[valid], tokens[around[valid]]
    ### END SOLUTION


def negative_sampling_probs(counts, power=0.75):
    """The distribution negatives are drawn from.

    Args:
        counts: (V,) how often each word occurs, >= 0 (zeros allowed).
        power: the exponent (0.75 in word2vec and gensim).

    Returns:
        probs: (V,) float64, proportional to ``counts ** power``, summing to 1.

    Raises:
        ValueError if a count is negative or none is positive.
    """
    ### BEGIN SOLUTION
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or np.any(counts < 0) or not np.any(counts > 0):
        raise ValueError("counts must be a 1-D array of non-negative numbers, at least one of them positive")
    weights = counts ** power
    return weights / weights.sum()
    ### END SOLUTION


def sgns_loss(v_c, u_o, u_neg):
    """The loss of one (centre, context) pair with K negatives, and its gradients.

    Args:
        v_c: (d,) the centre word's vector (a row of W_in).
        u_o: (d,) the true context word's vector (a row of W_out).
        u_neg: (K, d) the negatives' vectors (rows of W_out; the same row may appear twice).

    Returns:
        loss: float, ``-log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_neg[k] . v_c)``.
        grad_v_c (d,), grad_u_o (d,), grad_u_neg (K, d): its gradients; row k of grad_u_neg is
            the gradient with respect to u_neg[k] as a separate argument.

    Finite and accurate for dot products up to 1e3 in size, without warnings: use
    ``log sigmoid(x) = -logaddexp(0, -x)`` rather than ``log(sigmoid(x))``.
    """
    ### BEGIN SOLUTION
    s_o = float(u_o @ v_c)
    s_neg = u_neg @ v_c
    loss = np.logaddexp(0.0, -s_o) + np.logaddexp(0.0, s_neg).sum()
    g_o = -np.exp(-np.logaddexp(0.0, s_o))  # sigmoid(s_o) - 1 = -sigmoid(-s_o), without cancellation
    g_neg = np.exp(-np.logaddexp(0.0, -s_neg))  # sigmoid(s_neg)
    return float(loss), g_o * u_o + g_neg @ u_neg, g_o * v_c, g_neg[:, None] * v_c[None, :]
    ### END SOLUTION


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    """One SGD step of skip-gram with negative sampling on a batch of pairs, in place.

    Args:
        W_in, W_out: (V, d) centre and context embeddings; updated in place.
        centers, contexts: (B,) word ids of the pairs.
        negatives: (B, K) word ids of each pair's negatives.
        lr: the learning rate.

    Returns:
        losses: (B,) the loss of every pair, before the step.

    The step is on the sum of the B losses and simultaneous: every gradient is computed from the
    parameters as they were before the step. A word that appears several times (as a centre,
    a context or a negative, within a pair or across pairs) receives the sum of all its
    gradients: ``W[idx] -= g`` keeps only one of them when idx repeats; ``np.add.at`` (or an
    equivalent) adds them all. This is the inner loop of training: make it fast.
    """
    ### BEGIN SOLUTION
    B, K = negatives.shape
    out_ids = np.concatenate([contexts[:, None], negatives], axis=1)  # (B, 1 + K)
    v = np.take(W_in, centers, axis=0)  # (B, d) copies: the parameters before the step
    u = np.take(W_out, out_ids, axis=0)  # (B, 1 + K, d)
    scores = (u @ v[:, :, None])[..., 0]
    scores[:, 0] = -scores[:, 0]  # the true context counts with a minus sign
    # loss term log(1 + exp(s)) and its slope sigmoid(s), with exp only of -|s| (no overflow)
    e = np.exp(-np.abs(scores))
    pair_losses = (np.maximum(scores, 0.0) + np.log1p(e)).sum(axis=1)
    coefficients = np.where(scores >= 0, 1.0, e) / (1.0 + e)
    coefficients[:, 0] = -coefficients[:, 0]
    grad_v = (coefficients[:, None, :] @ u)[:, 0]  # (B, d)
    # The scatter-add: entry (b, j) adds coefficients[b, j] * v[b] to row out_ids[b, j] of W_out's
    # gradient, entry b adds grad_v[b] to row centers[b] of W_in's. Written as a sparse matrix S
    # (one row per distinct word, one column per pair) times the pairs' vectors: S @ vectors adds
    # up every repeat, and each word's row is then updated once. The entries come in pair order,
    # which is S's column-major (CSC) order, so nothing needs sorting. (np.add.at: several times
    # slower.)
    for table, ids, weights, vectors in ((W_out, out_ids, coefficients, v),
                                         (W_in, centers[:, None], np.ones((B, 1)), grad_v)):
        present = np.bincount(ids.ravel(), minlength=len(table)) > 0
        words = np.flatnonzero(present)
        rows = (np.cumsum(present) - 1)[ids.ravel()]
        per_pair = ids.shape[1]
        S = sparse.csc_matrix((weights.ravel(), rows, np.arange(0, B * per_pair + 1, per_pair)), shape=(len(words), B))
        table[words] -= lr * (S @ vectors)
    return pair_losses
    ### END SOLUTION
