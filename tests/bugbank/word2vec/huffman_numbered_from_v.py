"""word2vec.c's node ids kept as they are: the inner nodes numbered V..2V-2 (after the leaves)
instead of 0..V-2, so that hs_update indexes past the end of W_node."""

FAILS = {"huffman_codes/tree", "huffman_codes/vs_reference", "hs_update/sums_to_one", "hs_update/planted_topics"}
HINTS = {"huffman_codes/tree": "outside 0.."}
FIX_FIRST = {"hs_update/sums_to_one": "huffman_codes/tree", "hs_update/planted_topics": "huffman_codes/tree"}

import heapq

import numpy as np


def huffman_codes(counts):
    V = len(counts)
    heap = [(c, w) for w, c in enumerate(counts)]
    heapq.heapify(heap)
    parent, bit = {}, {}
    for n in range(V, 2 * V - 1):
        c0, a = heapq.heappop(heap)
        c1, b = heapq.heappop(heap)
        parent[a], parent[b], bit[a], bit[b] = n, n, 0, 1
        heapq.heappush(heap, (c0 + c1, n))
    codes, points = [], []
    for w in range(V):
        c, p, node = [], [], w
        while node in parent:
            c.append(bit[node])
            node = parent[node]
            p.append(node)
        codes.append(np.array(c[::-1]))
        points.append(np.array(p[::-1]))
    return codes, points
