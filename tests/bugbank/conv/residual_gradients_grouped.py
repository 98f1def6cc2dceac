"""The gradients come back grouped by kind, (dx, dw1, dw2, db1, db2), not in the order of the
forward's arguments (dx, dw1, db1, dw2, db2)."""
FAILS = {"residual_backward/values", "residual_backward/zero_branch_passes_gradient",
         "residual_backward/numeric_gradient", "residual_backward/inputs_untouched",
         "residual_backward/vs_reference", "residual_backward/digits_resnet"}
HINTS = {"residual_backward/values": "in the order of the forward's arguments"}

_reference_residual_backward = residual_backward


def residual_backward(dout, cache):
    dx, dw1, db1, dw2, db2 = _reference_residual_backward(dout, cache)
    return dx, dw1, dw2, db1, db2
