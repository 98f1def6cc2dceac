"""Correct, written differently from the reference: CBOW's windows from a padded copy and
sliding_window_view, its update with np.add.at; the Huffman tree built from the root down with
ties broken the other way (the inner nodes numbered root = 0, in order of discovery, bit 1 for the
lighter child); the hierarchical softmax with the paths padded to the longest one and np.add.at."""

FAILS = set()

import heapq
import itertools

import numpy as np


def cbow_windows(tokens, window):
    tokens = np.asarray(tokens, dtype=np.int64)
    if len(tokens) < 2:
        return np.zeros((0, 2 * window), dtype=np.int64), np.zeros(0, dtype=np.int64)
    padded = np.concatenate([np.full(window, -1), tokens, np.full(window, -1)])
    views = np.lib.stride_tricks.sliding_window_view(padded, 2 * window + 1)
    return np.delete(views, window, axis=1).copy(), tokens.copy()


def cbow_update(W_in, W_out, contexts, centers, negatives, lr):
    valid = (contexts >= 0).astype(float)
    weights = valid / valid.sum(axis=1, keepdims=True)
    ids = np.where(contexts >= 0, contexts, 0)
    h = np.einsum("bc,bcd->bd", weights, W_in[ids])
    targets = np.column_stack([centers, negatives])
    labels = np.zeros(targets.shape)
    labels[:, 0] = 1.0
    u = W_out[targets]
    z = np.einsum("bjd,bd->bj", u, h)
    p = 0.5 * (1 + np.tanh(z / 2))
    losses = -(labels * -np.logaddexp(0, -z) + (1 - labels) * -np.logaddexp(0, z)).sum(axis=1)
    err = p - labels
    grad_h = np.einsum("bj,bjd->bd", err, u)
    np.add.at(W_out, targets, -lr * err[:, :, None] * h[:, None, :])
    np.add.at(W_in, ids, -lr * weights[:, :, None] * grad_h[:, None, :])
    return losses


def huffman_codes(counts):
    V = len(counts)
    tie = itertools.count()
    heap = [(float(c), -next(tie), ("leaf", w)) for w, c in enumerate(counts)]  # later items first on ties
    heapq.heapify(heap)
    while len(heap) > 1:
        light = heapq.heappop(heap)
        heavy = heapq.heappop(heap)
        heapq.heappush(heap, (light[0] + heavy[0], -next(tie), ("node", heavy[2], light[2])))
    codes, points = [None] * V, [None] * V
    queue, number = [(heap[0][2], [], [])], 0
    while queue:  # breadth first: the root is node 0
        node, bits, path = queue.pop(0)
        if node[0] == "leaf":
            codes[node[1]], points[node[1]] = np.array(bits, dtype=np.int32), np.array(path, dtype=np.int32)
            continue
        here = number
        number += 1
        queue.append((node[1], bits + [0], path + [here]))
        queue.append((node[2], bits + [1], path + [here]))
    return codes, points


def hs_update(W_in, W_node, centers, contexts, codes, points, lr):
    B = len(centers)
    L = max(len(points[o]) for o in contexts)
    nodes = np.zeros((B, L), dtype=np.int64)
    signs = np.zeros((B, L))
    for b, o in enumerate(contexts):
        nodes[b, :len(points[o])] = points[o]
        signs[b, :len(points[o])] = 1 - 2 * np.asarray(codes[o])  # 0 marks the padding
    v = W_in[centers]
    u = W_node[nodes]
    x = np.einsum("bld,bd->bl", u, v)
    losses = (np.abs(signs) * np.logaddexp(0, -signs * x)).sum(axis=1)
    g = -signs * 0.5 * (1 - np.tanh(signs * x / 2))  # -s sigmoid(-s x), 0 on the padding
    np.add.at(W_node, nodes, -lr * g[:, :, None] * v[:, None, :])
    np.add.at(W_in, centers, -lr * np.einsum("bl,bld->bd", g, u))
    return losses
