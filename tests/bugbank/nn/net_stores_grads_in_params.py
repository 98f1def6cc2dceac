"""Stores the gradients in the caller's params dict (params["dW1"] = ...)."""
FAILS = {"two_layer_net/inputs_untouched"}
HINTS = {"two_layer_net/inputs_untouched": "work on a copy"}

_reference_two_layer_net = two_layer_net


def two_layer_net(params, X, y=None, reg=0.0):
    result = _reference_two_layer_net(params, X, y, reg)
    if y is not None:
        for key, grad in result[1].items():
            params["d" + key] = grad
    return result
