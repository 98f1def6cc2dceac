"""Correct, and slow the way CS224n's first version is: pairs found with nested loops, the
sampling distribution summed in a loop, one pair's loss and gradients with a loop over its
negatives, and the step a loop over pairs that adds each gradient into tables of the old
parameters' gradients, then applies them. Must keep full marks at the default limits."""
FAILS = set()

import numpy as np


def skipgram_pairs(tokens, window):
    centers, contexts = [], []
    T = len(tokens)
    for t in range(T):
        for j in range(max(0, t - window), min(T, t + window + 1)):
            if j != t:
                centers.append(tokens[t])
                contexts.append(tokens[j])
    return np.array(centers, dtype=np.int64), np.array(contexts, dtype=np.int64)


def _log_sigmoid(s):
    return -np.logaddexp(0.0, -s)


def _sigmoid(s):
    return np.exp(_log_sigmoid(s))


def sgns_loss(v_c, u_o, u_neg):
    s_o = float(np.dot(u_o, v_c))
    loss = -_log_sigmoid(s_o)
    grad_v_c = (_sigmoid(s_o) - 1.0) * u_o
    grad_u_o = (_sigmoid(s_o) - 1.0) * v_c
    grad_u_neg = np.zeros(u_neg.shape)
    for k in range(len(u_neg)):
        s_k = float(np.dot(u_neg[k], v_c))
        loss -= _log_sigmoid(-s_k)
        grad_v_c = grad_v_c + _sigmoid(s_k) * u_neg[k]
        grad_u_neg[k] = _sigmoid(s_k) * v_c
    return float(loss), grad_v_c, grad_u_o, grad_u_neg


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    grad_in, grad_out = {}, {}
    losses = []
    for b in range(len(centers)):
        c, o = int(centers[b]), int(contexts[b])
        loss, g_v, g_o, g_neg = sgns_loss(W_in[c], W_out[o], W_out[negatives[b]])
        losses.append(loss)
        grad_in[c] = grad_in.get(c, 0.0) + g_v
        grad_out[o] = grad_out.get(o, 0.0) + g_o
        for k in range(negatives.shape[1]):
            word = int(negatives[b, k])
            grad_out[word] = grad_out.get(word, 0.0) + g_neg[k]
    for word, g in grad_in.items():
        W_in[word] -= lr * g
    for word, g in grad_out.items():
        W_out[word] -= lr * g
    return np.array(losses)
