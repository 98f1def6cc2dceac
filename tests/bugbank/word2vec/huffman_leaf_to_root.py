"""The paths collected by walking up from each leaf, and never reversed: codes and points run
from the leaf to the root. Each node keeps its own bit, so the losses are those of the right
tree: only the tree's own checks see it."""

FAILS = {"huffman_codes/tree", "huffman_codes/vs_reference"}
HINTS = {"huffman_codes/tree": "reverse it"}

import heapq

import numpy as np


def huffman_codes(counts):
    V = len(counts)
    heap = [(c, w) for w, c in enumerate(counts)]
    heapq.heapify(heap)
    parent, bit = {}, {}
    for n in range(V - 1):
        c0, a = heapq.heappop(heap)
        c1, b = heapq.heappop(heap)
        parent[a], parent[b], bit[a], bit[b] = V + n, V + n, 0, 1
        heapq.heappush(heap, (c0 + c1, V + n))
    codes, points = [], []
    for w in range(V):
        c, p, node = [], [], w
        while node in parent:
            c.append(bit[node])
            node = parent[node]
            p.append(node - V)
        codes.append(np.array(c))
        points.append(np.array(p))
    return codes, points
