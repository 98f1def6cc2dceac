"""Correct: gradients of every pair from the old parameters (sgns_loss), accumulated in Python
loops into gradient tables, then one step."""

FAILS = set()

import numpy as np


def skipgram_pairs(tokens, window):
    centers, contexts = [], []
    for t in range(len(tokens)):
        for offset in range(-window, window + 1):
            if offset != 0 and 0 <= t + offset < len(tokens):
                centers.append(int(tokens[t]))
                contexts.append(int(tokens[t + offset]))
    return np.array(centers, dtype=np.int64), np.array(contexts, dtype=np.int64)


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    grad_in, grad_out = np.zeros_like(W_in), np.zeros_like(W_out)
    losses = np.empty(len(centers))
    for b in range(len(centers)):
        losses[b], g_v, g_o, g_neg = sgns_loss(W_in[centers[b]], W_out[contexts[b]], W_out[negatives[b]])
        grad_in[centers[b]] += g_v
        grad_out[contexts[b]] += g_o
        for k, word in enumerate(negatives[b]):
            grad_out[word] += g_neg[k]
    W_in -= lr * grad_in
    W_out -= lr * grad_out
    return losses
