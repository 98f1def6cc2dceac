"""W_node = W_node - ...: new arrays that the caller never sees (the losses are right)."""

FAILS = {"hs_update/values", "hs_update/repeated_indices", "hs_update/planted_topics", "hs_update/vs_reference"}
HINTS = {"hs_update/values": "new array the caller never sees"}

import numpy as np


def hs_update(W_in, W_node, centers, contexts, codes, points, lr):
    grad_in, grad_node = np.zeros_like(W_in), np.zeros_like(W_node)
    losses = np.zeros(len(centers))
    for b, (c, o) in enumerate(zip(centers, contexts)):
        s = 1.0 - 2.0 * np.asarray(codes[o])
        u = W_node[points[o]]
        x = u @ W_in[c]
        losses[b] = np.logaddexp(0, -s * x).sum()
        g = -s / (1 + np.exp(s * x))
        grad_in[c] += g @ u
        np.add.at(grad_node, points[o], g[:, None] * W_in[c])
    W_in = W_in - lr * grad_in
    W_node = W_node - lr * grad_node
    return losses
