"""The notes' picture taken literally: the words sorted by frequency and split in halves ("in the
first 5000? in the first 2500?"). One binary tree, but not a Huffman tree: its cost is not
minimal."""

FAILS = {"huffman_codes/optimal", "huffman_codes/vs_reference"}
HINTS = {"huffman_codes/optimal": "two nodes of smallest count"}

import numpy as np


def huffman_codes(counts):
    order = list(np.argsort(-np.asarray(counts), kind="stable"))
    codes = [[] for _ in counts]
    points = [[] for _ in counts]
    next_node = [0]

    def split(words):
        if len(words) < 2:
            return
        node = next_node[0]
        next_node[0] += 1
        half = len(words) // 2
        for bit, part in ((0, words[:half]), (1, words[half:])):
            for w in part:
                codes[w].append(bit)
                points[w].append(node)
        split(words[:half])
        split(words[half:])

    split(order)
    return [np.array(c, dtype=int) for c in codes], [np.array(p, dtype=int) for p in points]
