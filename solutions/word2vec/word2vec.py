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
    # The tables' own dtype throughout (float32 tables are updated in float32, as gensim's), lr
    # folded into S.
    for table, ids, weights, vectors in ((W_out, out_ids, coefficients, v),
                                         (W_in, centers[:, None], np.ones((B, 1), dtype=grad_v.dtype), grad_v)):
        present = np.bincount(ids.ravel(), minlength=len(table)) > 0
        words = np.flatnonzero(present)
        rows = (np.cumsum(present) - 1)[ids.ravel()]
        per_pair = ids.shape[1]
        S = sparse.csc_matrix((lr * weights.ravel(), rows, np.arange(0, B * per_pair + 1, per_pair)),
                              shape=(len(words), B))
        table[words] -= S @ vectors
    return pair_losses
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    tokens = np.asarray(tokens)
    if tokens.ndim != 1 or (tokens.size and tokens.dtype.kind not in "iu"):
        raise ValueError(f"tokens must be a 1-D array of integer word ids; got shape {tokens.shape}, "
                         f"dtype {tokens.dtype}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be an integer >= 1; got {window!r}")
    T = len(tokens)
    tokens = tokens.astype(np.int64, copy=False)
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    around = np.arange(T)[:, None] + offsets[None, :]
    valid = (around >= 0) & (around < T)
    contexts = np.where(valid, tokens[np.clip(around, 0, max(T - 1, 0))], -1)
    kept = valid.any(axis=1)
    return contexts[kept], tokens[kept]
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    B = len(centers)

    def by_word(ids, weights, columns, size):
        """(the distinct words of ids, S): S has one row per word and one column per batch row
        (the entries of column b are ids[columns[b]:columns[b + 1]]), with weights[i] at (the
        row of ids[i], its column). S @ vectors adds up every word's repeats, so that each
        word's row is then updated once (the scatter-add of sgns_update)."""
        present = np.bincount(ids, minlength=size) > 0
        words = np.flatnonzero(present)
        rows = (np.cumsum(present) - 1)[ids]
        return words, sparse.csc_matrix((weights, rows, columns), shape=(len(words), B))

    valid = contexts >= 0
    counts = valid.sum(axis=1)
    # each valid context's weight in its row's mean, in the tables' dtype (float32 stays float32)
    share = np.repeat((1.0 / counts).astype(W_in.dtype, copy=False), counts)
    in_words, S_in = by_word(contexts[valid], share, np.r_[0, np.cumsum(counts)], len(W_in))
    h = S_in.T @ np.take(W_in, in_words, axis=0)  # (B, d), from the parameters before the step
    out_ids = np.concatenate([centers[:, None], negatives], axis=1)  # (B, 1 + K)
    u = np.take(W_out, out_ids, axis=0)
    scores = (u @ h[:, :, None])[..., 0]
    scores[:, 0] = -scores[:, 0]  # the centre counts with a minus sign
    e = np.exp(-np.abs(scores))
    window_losses = (np.maximum(scores, 0.0) + np.log1p(e)).sum(axis=1)
    coefficients = np.where(scores >= 0, 1.0, e) / (1.0 + e)  # sigmoid(score)
    coefficients[:, 0] = -coefficients[:, 0]
    grad_h = (coefficients[:, None, :] @ u)[:, 0]  # (B, d)
    per_row = out_ids.shape[1]
    out_words, S_out = by_word(out_ids.ravel(), lr * coefficients.ravel(), np.arange(0, B * per_row + 1, per_row),
                               len(W_out))
    W_out[out_words] -= S_out @ h
    W_in[in_words] -= lr * (S_in @ grad_h)
    return window_losses
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    counts = np.asarray(counts)
    if counts.ndim != 1 or len(counts) < 2 or counts.dtype.kind not in "iuf" or not np.all(counts > 0):
        raise ValueError("counts must be a 1-D array of at least 2 positive numbers")
    V = len(counts)
    # Nodes 0..V-1 are the words, V + n is inner node n (created n-th, so the root is V - 2).
    heap = [(float(count), word) for word, count in enumerate(counts)]
    heapq.heapify(heap)
    parent = np.zeros(2 * V - 1, dtype=np.int64)
    bit = np.zeros(2 * V - 1, dtype=np.int64)
    for n in range(V - 1):
        first, a = heapq.heappop(heap)
        second, b = heapq.heappop(heap)
        parent[a], parent[b], bit[a], bit[b] = V + n, V + n, 0, 1
        heapq.heappush(heap, (first + second, V + n))
    root = 2 * V - 2
    codes, points = [], []
    for word in range(V):
        path_bits, path_nodes, node = [], [], word
        while node != root:
            path_bits.append(bit[node])
            node = parent[node]
            path_nodes.append(node - V)
        codes.append(np.array(path_bits[::-1], dtype=np.int64))
        points.append(np.array(path_nodes[::-1], dtype=np.int64))
    return codes, points
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    B = len(centers)
    # The paths of the batch's distinct context words, laid end to end, then one run per pair.
    used = np.bincount(contexts, minlength=len(codes)) > 0
    words, which = np.flatnonzero(used), (np.cumsum(used) - 1)[contexts]
    word_list = words.tolist()
    word_codes = [codes[w] for w in word_list]
    word_lengths = np.fromiter(map(len, word_codes), dtype=np.int64, count=len(words))
    word_starts = np.cumsum(word_lengths) - word_lengths
    all_codes = np.concatenate(word_codes)
    all_points = np.concatenate([points[w] for w in word_list])
    lengths = word_lengths[which]
    columns = np.r_[0, np.cumsum(lengths)]  # pair b's entries: columns[b]:columns[b + 1]
    at = np.arange(columns[-1]) + np.repeat(word_starts[which] - columns[:-1], lengths)
    # s = +1 for bit 0, -1 for bit 1, in the tables' dtype (float32 tables stay float32)
    nodes, signs = all_points[at], (1 - 2 * all_codes[at]).astype(W_node.dtype)
    pairs = np.repeat(np.arange(B), lengths)  # the pair of every entry
    v = np.take(W_in, centers, axis=0)  # (B, d) copies: the parameters before the step
    # The entries' dot products W_node[n] . v_c, a slice of entries at a time: the rows gathered for
    # a slice stay in the cache (all ~10 000 at once would be two 8 MB arrays).
    dots = np.empty(len(nodes), dtype=np.result_type(W_node, W_in))
    for start in range(0, len(nodes), 1024):
        part = slice(start, start + 1024)
        dots[part] = np.einsum("ed,ed->e", np.take(W_node, nodes[part], axis=0), np.take(v, pairs[part], axis=0))
    scores = -signs * dots  # the entry's loss is log(1 + exp(score))
    e = np.exp(-np.abs(scores))
    pair_losses = np.add.reduceat(np.maximum(scores, 0.0) + np.log1p(e), columns[:-1])
    coefficients = -signs * np.where(scores >= 0, 1.0, e) / (1.0 + e)  # d loss / d (W_node[n] . v_c)
    # The scatter-add of sgns_update: S has one row per distinct inner node, one column per pair,
    # and lr times each entry's coefficient: S @ v is the step of the nodes' rows, S.T @ (the nodes'
    # rows) the step of each pair's centre.
    present = np.bincount(nodes, minlength=len(W_node)) > 0
    node_ids = np.flatnonzero(present)
    S = sparse.csc_matrix((lr * coefficients, (np.cumsum(present) - 1)[nodes], columns), shape=(len(node_ids), B))
    step_v = S.T @ np.take(W_node, node_ids, axis=0)
    W_node[node_ids] -= S @ v
    present = np.bincount(centers, minlength=len(W_in)) > 0
    center_ids = np.flatnonzero(present)
    S = sparse.csc_matrix((np.ones(B, dtype=step_v.dtype), (np.cumsum(present) - 1)[centers], np.arange(B + 1)),
                          shape=(len(center_ids), B))
    W_in[center_ids] -= S @ step_v
    return pair_losses
    ### END SOLUTION
