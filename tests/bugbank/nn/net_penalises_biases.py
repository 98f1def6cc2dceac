"""Puts the L2 penalty on the biases too."""
FAILS = {"two_layer_net/loss_and_grads", "two_layer_net/vs_reference"}
HINTS = {"two_layer_net/loss_and_grads": "not on the biases"}

import numpy as np

_reference_two_layer_net = two_layer_net


def two_layer_net(params, X, y=None, reg=0.0):
    result = _reference_two_layer_net(params, X, y, reg)
    if y is None:
        return result
    loss, grads = result
    loss += reg * (np.sum(params["b1"] ** 2) + np.sum(params["b2"] ** 2))
    grads["b1"] = grads["b1"] + 2 * reg * params["b1"]
    grads["b2"] = grads["b2"] + 2 * reg * params["b2"]
    return loss, grads
