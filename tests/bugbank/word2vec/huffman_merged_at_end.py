"""The counts sorted once; each merged node is appended at the end of the list instead of going
back among the candidates in order: a tree, not an optimal one."""

FAILS = {"huffman_codes/optimal", "huffman_codes/vs_reference"}
HINTS = {"huffman_codes/optimal": "goes back among the candidates"}

import numpy as np


def huffman_codes(counts):
    V = len(counts)
    queue = [(counts[w], w) for w in np.argsort(counts, kind="stable")]
    children = {}
    for n in range(V - 1):
        (c0, a), (c1, b) = queue[0], queue[1]
        queue = queue[2:] + [(c0 + c1, V + n)]
        children[V + n] = (a, b)
    codes, points = [None] * V, [None] * V
    stack = [(2 * V - 2, [], [])]
    while stack:
        node, c, p = stack.pop()
        if node < V:
            codes[node], points[node] = np.array(c, dtype=int), np.array(p, dtype=int)
            continue
        for bit, child in enumerate(children[node]):
            stack.append((child, c + [bit], p + [node - V]))
    return codes, points
