"""A leaky ReLU by accident: max(x, 0.01 x)."""
FAILS = {"relu_forward/values", "relu_backward/numeric_gradient", "two_layer_net/scores",
         "two_layer_net/loss_and_grads", "two_layer_net/numeric_gradient", "two_layer_net/vs_reference",
         "sigmoid_backward/vs_reference"}

import numpy as np


def relu_forward(x):
    return np.maximum(x, 0.01 * x), x
