"""word2vec: skip-gram and CBOW, negative sampling and hierarchical softmax (lecture notes 4.3).

Every word of a vocabulary of V words gets two vectors of d numbers: ``W_in[w]`` when w is the
centre word, ``W_out[w]`` when it is a context word. Skip-gram slides a window over the text and
asks, for each centre word, to recognise the words around it. A softmax over the whole
vocabulary would cost V dot products per pair; negative sampling instead compares the true
context word with K words drawn at random ("negatives", K = 5 as gensim recommends) and asks the
model to tell them apart:

    loss = -log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_k . v_c)

CBOW (continuous bag of words) turns the question around: the mean h of the context words'
vectors predicts the centre word. The hierarchical softmax replaces the V-way softmax by a
binary (Huffman) tree over the vocabulary: a word is the path to its leaf, and its probability
the product of the probabilities of the branches taken, one logistic regression per inner node
("is the word in the first 5000? in the first 2500? ...").

Tokens are integer word ids in [0, V).
"""

import heapq

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


def cbow_windows(tokens, window):
    """Training examples of CBOW: each word with the window of words around it.

    Args:
        tokens: (T,) integer word ids.
        window: how many words on each side count as context, an int >= 1.

    Returns:
        contexts: (P, 2 * window) integer array; row p holds the tokens at offsets -window, ...,
            -1, 1, ..., window (in that order) around the p-th centre, and -1 where the window
            runs past either end of the sequence.
        centers: (P,) integer array, the centre words.
        One row for each position t in order whose window holds at least one other token (every
        position of a sequence of two tokens or more; none of a shorter one).

    Raises:
        ValueError if window < 1 or tokens is not a 1-D array of integers.
    """
    # YOUR CODE HERE
    raise NotImplementedError("cbow_windows is not implemented yet: replace this line with your code.")


def cbow_update(W_in, W_out, contexts, centers, negatives, lr):
    """One SGD step of CBOW with negative sampling on a batch of windows, in place.

    Args:
        W_in, W_out: (V, d) context and centre embeddings; updated in place.
        contexts: (B, C) word ids of each window (C = 2 * window), -1 for padding; every row
            holds at least one word.
        centers: (B,) the centre words to predict.
        negatives: (B, K) word ids of each window's negatives.
        lr: the learning rate.

    Returns:
        losses: (B,) the loss of every window, before the step.

    h = the mean of the W_in rows of a window's words (padding left out: gensim's
    ``cbow_mean=1``), and ``loss = -log sigmoid(u_c . h) - sum_k log sigmoid(-u_k . h)`` with
    u the W_out rows of the centre and of the negatives. The step is on the sum of the B
    losses, with the rules of ``sgns_update``: every gradient from the parameters before the
    step, and a word used several times receives the sum of its gradients. Each context word
    of a window gets its share of dL/dh: divided by the number of words in that window.
    """
    # YOUR CODE HERE
    raise NotImplementedError("cbow_update is not implemented yet: replace this line with your code.")


def huffman_codes(counts):
    """The Huffman tree of the vocabulary, for the hierarchical softmax.

    Args:
        counts: (V,) how often each word occurs, all > 0, V >= 2.

    Returns:
        codes, points: two lists of V int arrays. codes[w] (L_w,) holds the branch bits (0 or 1)
        from the root down to word w's leaf, points[w] (L_w,) the inner nodes on that path, root
        first. The V - 1 inner nodes are numbered 0, ..., V - 2.

    The tree is built as Huffman does: merge the two least frequent nodes into a new one, until
    one is left. Frequent words get short codes, and ``sum(counts[w] * L_w)`` is as small as any
    binary tree allows. Ties may be broken either way.

    Raises:
        ValueError if V < 2 or a count is not positive.
    """
    # YOUR CODE HERE
    raise NotImplementedError("huffman_codes is not implemented yet: replace this line with your code.")


def hs_update(W_in, W_node, centers, contexts, codes, points, lr):
    """One SGD step of skip-gram with the hierarchical softmax on a batch of pairs, in place.

    Args:
        W_in: (V, d) centre embeddings; updated in place.
        W_node: (V - 1, d) one vector per inner node of the tree; updated in place.
        centers, contexts: (B,) word ids of the pairs.
        codes, points: the tree, as ``huffman_codes`` returns it (lists of V int arrays).
        lr: the learning rate.

    Returns:
        losses: (B,) the loss of every pair, before the step.

    The context word o is predicted by the path to its leaf: at inner node n = points[o][i]
    with branch bit b = codes[o][i] the branch taken has probability sigmoid(s * W_node[n] . v_c),
    s = +1 for b = 0 and s = -1 for b = 1 (word2vec.c's convention), so that
    ``loss = -sum over the path of log sigmoid(s * W_node[n] . v_c)``, and the probabilities of
    all V words sum to 1. The step follows the rules of ``sgns_update``: every gradient from the
    parameters before the step, repeats (a centre used twice, an inner node on many paths: the
    root is on all of them) add up.
    """
    # YOUR CODE HERE
    raise NotImplementedError("hs_update is not implemented yet: replace this line with your code.")
