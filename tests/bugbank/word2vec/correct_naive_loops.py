"""Correct, and slow the way CS224n's first version is: pairs found with nested loops, the
sampling distribution summed in a loop, one pair's loss and gradients with a loop over its
negatives, and the step a loop over pairs that adds each gradient into tables of the old
parameters' gradients, then applies them; CBOW's windows and step the same way (sgns_loss on the
mean of the contexts), the Huffman tree re-sorting its list after every merge, and the
hierarchical softmax a loop over pairs and over the nodes of each path. Must keep full marks at
the default limits."""
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


def cbow_windows(tokens, window):
    contexts, centers = [], []
    T = len(tokens)
    for t in range(T):
        row = []
        for offset in list(range(-window, 0)) + list(range(1, window + 1)):
            row.append(int(tokens[t + offset]) if 0 <= t + offset < T else -1)
        if T > 1:
            contexts.append(row)
            centers.append(int(tokens[t]))
    return np.array(contexts, dtype=np.int64).reshape(len(centers), 2 * window), np.array(centers, dtype=np.int64)


def cbow_update(W_in, W_out, contexts, centers, negatives, lr):
    grad_in, grad_out = {}, {}
    losses = []
    for b in range(len(centers)):
        words = [int(w) for w in contexts[b] if w >= 0]
        h = np.zeros(W_in.shape[1])
        for w in words:
            h = h + W_in[w] / len(words)
        c = int(centers[b])
        loss, g_h, g_c, g_neg = sgns_loss(h, W_out[c], W_out[negatives[b]])
        losses.append(loss)
        grad_out[c] = grad_out.get(c, 0.0) + g_c
        for k in range(negatives.shape[1]):
            word = int(negatives[b, k])
            grad_out[word] = grad_out.get(word, 0.0) + g_neg[k]
        for w in words:
            grad_in[w] = grad_in.get(w, 0.0) + g_h / len(words)
    for word, g in grad_in.items():
        W_in[word] -= lr * g
    for word, g in grad_out.items():
        W_out[word] -= lr * g
    return np.array(losses)


def huffman_codes(counts):
    V = len(counts)
    nodes = [(float(counts[w]), w) for w in range(V)]  # (count, id), kept sorted by a full sort
    parent, bit = {}, {}
    for n in range(V - 1):
        nodes.sort()
        (c0, a), (c1, b) = nodes[0], nodes[1]
        nodes = nodes[2:] + [(c0 + c1, V + n)]
        parent[a], parent[b], bit[a], bit[b] = V + n, V + n, 0, 1
    codes, points = [], []
    for w in range(V):
        path_bits, path_nodes, node = [], [], w
        while node in parent:
            path_bits.insert(0, bit[node])
            node = parent[node]
            path_nodes.insert(0, node - V)
        codes.append(np.array(path_bits, dtype=np.int64))
        points.append(np.array(path_nodes, dtype=np.int64))
    return codes, points


def hs_update(W_in, W_node, centers, contexts, codes, points, lr):
    grad_in, grad_node = {}, {}
    losses = []
    for b in range(len(centers)):
        c, o = int(centers[b]), int(contexts[b])
        loss = 0.0
        for i in range(len(points[o])):
            n = int(points[o][i])
            s = 1.0 if codes[o][i] == 0 else -1.0
            x = float(np.dot(W_node[n], W_in[c]))
            loss -= _log_sigmoid(s * x)
            g = -s * _sigmoid(-s * x)
            grad_in[c] = grad_in.get(c, 0.0) + g * W_node[n]
            grad_node[n] = grad_node.get(n, 0.0) + g * W_in[c]
        losses.append(loss)
    for word, g in grad_in.items():
        W_in[word] -= lr * g
    for n, g in grad_node.items():
        W_node[n] -= lr * g
    return np.array(losses)
