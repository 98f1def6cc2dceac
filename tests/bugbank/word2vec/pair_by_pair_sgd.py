"""A Python loop that updates the tables after every pair: later pairs see parameters already
moved by earlier ones (word2vec's C code does this; the contract's step is simultaneous)."""

FAILS = {"sgns_update/repeated_indices", "sgns_update/losses", "sgns_update/vs_reference"}
HINTS = {"sgns_update/repeated_indices": "before the step"}

import numpy as np


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    losses = np.zeros(len(centers))
    for b in range(len(centers)):
        loss, g_v, g_o, g_neg = sgns_loss(W_in[centers[b]], W_out[contexts[b]], W_out[negatives[b]])
        losses[b] = loss
        W_in[centers[b]] -= lr * g_v
        W_out[contexts[b]] -= lr * g_o
        np.add.at(W_out, negatives[b], -lr * g_neg)
    return losses
