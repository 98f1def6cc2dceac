"""A partly wrong word2vec submission (for the demo): the pairs and the sampling distribution
are right; the loss takes log(sigmoid(x)) literally, and the update uses fancy indexing, which
keeps only one of the updates of a repeated word."""

import numpy as np


def skipgram_pairs(tokens, window):
    centers, contexts = [], []
    for t in range(len(tokens)):
        for offset in range(-window, window + 1):
            if offset != 0 and 0 <= t + offset < len(tokens):
                centers.append(tokens[t])
                contexts.append(tokens[t + offset])
    return np.array(centers, dtype=np.int64), np.array(contexts, dtype=np.int64)


def negative_sampling_probs(counts, power=0.75):
    weights = np.asarray(counts, dtype=np.float64) ** power
    return weights / weights.sum()


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sgns_loss(v_c, u_o, u_neg):
    s_o = u_o @ v_c
    s_neg = u_neg @ v_c
    loss = -np.log(sigmoid(s_o)) - np.sum(np.log(sigmoid(-s_neg)))
    grad_v_c = (sigmoid(s_o) - 1) * u_o + sigmoid(s_neg) @ u_neg
    grad_u_o = (sigmoid(s_o) - 1) * v_c
    grad_u_neg = sigmoid(s_neg)[:, None] * v_c[None, :]
    return float(loss), grad_v_c, grad_u_o, grad_u_neg


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    v = W_in[centers]
    u_o = W_out[contexts]
    u_neg = W_out[negatives]
    s_o = np.sum(v * u_o, axis=1)
    s_neg = np.sum(v[:, None, :] * u_neg, axis=2)
    losses = -np.log(sigmoid(s_o)) - np.sum(np.log(sigmoid(-s_neg)), axis=1)
    g_o = sigmoid(s_o) - 1
    g_neg = sigmoid(s_neg)
    grad_v = g_o[:, None] * u_o + np.sum(g_neg[:, :, None] * u_neg, axis=1)
    W_in[centers] -= lr * grad_v
    W_out[contexts] -= lr * g_o[:, None] * v
    W_out[negatives] -= lr * g_neg[:, :, None] * v[:, None, :]
    return losses
