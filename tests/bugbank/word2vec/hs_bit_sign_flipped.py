"""The branch bits read the other way round: sigmoid(+x) for bit 1 and sigmoid(-x) for bit 0.
Still a softmax (a mirrored tree), but not the contract's."""

FAILS = {"hs_update/values", "hs_update/repeated_indices", "hs_update/vs_reference"}
HINTS = {"hs_update/values": "sign convention of the branch bits"}

import numpy as np


def hs_update(W_in, W_node, centers, contexts, codes, points, lr):
    grad_in, grad_node = np.zeros_like(W_in), np.zeros_like(W_node)
    losses = np.zeros(len(centers))
    for b, (c, o) in enumerate(zip(centers, contexts)):
        v = W_in[c]
        for n, bit in zip(points[o], codes[o]):
            s = 1.0 if bit == 1 else -1.0
            x = W_node[n] @ v
            losses[b] += np.logaddexp(0, -s * x)
            g = -s / (1 + np.exp(s * x))
            grad_in[c] += g * W_node[n]
            grad_node[n] += g * v
    W_in -= lr * grad_in
    W_node -= lr * grad_node
    return losses
