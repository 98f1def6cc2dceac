"""Averages db over the samples instead of summing."""
FAILS = {"affine_backward/values", "affine_backward/numeric_gradient", "affine_backward/vs_reference",
         "two_layer_net/loss_and_grads", "two_layer_net/numeric_gradient", "two_layer_net/vs_reference"}
HINTS = {"affine_backward/values": "not its mean"}


def affine_backward(dout, cache):
    x, w = cache
    return (dout @ w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T @ dout, dout.mean(axis=0)
