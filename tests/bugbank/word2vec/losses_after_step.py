"""Returns the losses recomputed after the update."""

FAILS = {"sgns_update/losses", "sgns_update/vs_reference"}
HINTS = {"sgns_update/losses": "after the step"}

_reference_update = sgns_update  # noqa: F821 (the reference, defined above in the overlaid file)


def sgns_update(W_in, W_out, centers, contexts, negatives, lr):
    _reference_update(W_in, W_out, centers, contexts, negatives, lr)
    return _reference_update(W_in, W_out, centers, contexts, negatives, 0.0)
