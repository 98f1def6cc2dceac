"""Subtracts the smoothing term instead of adding it."""
FAILS = {"sgd_momentum/values", "two_layer_net/digits_training", "two_layer_net/digits_vs_reference"}
HINTS = {"sgd_momentum/values": "the smoothing term has the wrong sign"}


def sgd_momentum(w, dw, w_prev, lr, momentum):
    return w - lr * dw - momentum * (w - w_prev)
