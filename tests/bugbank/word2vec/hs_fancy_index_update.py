"""hs_update written with fancy indexing: W_node[nodes] -= ... keeps one update per inner node,
and the root is on every path."""

FAILS = {"hs_update/repeated_indices", "hs_update/vs_reference"}
MAY_FAIL = {"hs_update/planted_topics"}
HINTS = {"hs_update/repeated_indices": "np.add.at"}

import numpy as np


def hs_update(W_in, W_node, centers, contexts, codes, points, lr):
    lengths = np.array([len(points[o]) for o in contexts])
    pair = np.repeat(np.arange(len(centers)), lengths)
    nodes = np.concatenate([points[o] for o in contexts])
    s = 1.0 - 2.0 * np.concatenate([codes[o] for o in contexts])
    v = W_in[centers]
    u = W_node[nodes]
    x = np.einsum("ed,ed->e", u, v[pair])
    losses = np.bincount(pair, weights=np.logaddexp(0, -s * x), minlength=len(centers))
    g = -s / (1 + np.exp(s * x))
    grad_v = np.zeros_like(v)
    np.add.at(grad_v, pair, g[:, None] * u)
    W_node[nodes] -= lr * g[:, None] * v[pair]
    W_in[centers] -= lr * grad_v
    return losses
