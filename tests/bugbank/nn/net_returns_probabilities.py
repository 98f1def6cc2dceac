"""Without labels, returns softmax probabilities instead of the raw scores."""
FAILS = {"two_layer_net/scores"}

import numpy as np

_reference_two_layer_net = two_layer_net


def two_layer_net(params, X, y=None, reg=0.0):
    result = _reference_two_layer_net(params, X, y, reg)
    if y is not None:
        return result
    exp = np.exp(result - result.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)
