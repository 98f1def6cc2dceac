"""word2vec.c's order of skip-gram: the context word's vector walks down the centre word's path.
The contract has the centre's vector predict the context word."""

FAILS = {"hs_update/values", "hs_update/repeated_indices", "hs_update/vs_reference", "hs_update/sums_to_one"}
MAY_FAIL = {"hs_update/planted_topics"}
HINTS = {"hs_update/values": "walks down the path of the context word", "hs_update/sums_to_one": "sign convention"}

_reference_hs_update = hs_update  # noqa: F821 (the reference, defined above in the overlaid file)


def hs_update(W_in, W_node, centers, contexts, codes, points, lr):
    return _reference_hs_update(W_in, W_node, contexts, centers, codes, points, lr)
