"""Takes ReLU's mask from the upstream gradient instead of the forward's input."""
FAILS = {"relu_backward/values", "relu_backward/numeric_gradient", "sigmoid_backward/vs_reference",
         "two_layer_net/loss_and_grads", "two_layer_net/numeric_gradient", "two_layer_net/vs_reference",
         "two_layer_net/digits_training", "two_layer_net/digits_vs_reference"}
HINTS = {"relu_backward/values": "not from dout"}


def relu_backward(dout, cache):
    return dout * (dout > 0)
