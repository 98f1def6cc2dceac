"""The path walked up from each leaf: the nodes are put root first, the bits are not (codes run
from the leaf to the root), so that the bits no longer go with their nodes."""

FAILS = {"huffman_codes/tree", "huffman_codes/vs_reference", "hs_update/sums_to_one"}
MAY_FAIL = {"hs_update/planted_topics"}
HINTS = {"huffman_codes/tree": "reverse it"}
FIX_FIRST = {"hs_update/sums_to_one": "huffman_codes/tree"}

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
        points.append(np.array(p[::-1]))
    return codes, points
