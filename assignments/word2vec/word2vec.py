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
    # YOUR CODE HERE
    raise NotImplementedError("skipgram_pairs is not implemented yet: replace this line with your code.")


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
    # YOUR CODE HERE
    raise NotImplementedError("negative_sampling_probs is not implemented yet: replace this line with your code.")


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
    # YOUR CODE HERE
    raise NotImplementedError("sgns_loss is not implemented yet: replace this line with your code.")


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
    # YOUR CODE HERE
    raise NotImplementedError("sgns_update is not implemented yet: replace this line with your code.")
