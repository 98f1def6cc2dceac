"""Averages db over the batch and the positions instead of summing."""
# the residual block calls this conv: it inherits the bug
FAILS = {"conv_backward/numeric_gradient", "conv_backward/values", "conv_backward/vs_reference",
         "residual_backward/numeric_gradient", "residual_backward/values", "residual_backward/vs_reference"}
# training ends 0.03 below PyTorch's accuracy (0.776 against 0.806 here): near the margin, so machine-dependent
MAY_FAIL = {"max_pool_backward/digits_convnet", "max_pool_backward/digits_convnet_vs_reference",
            "residual_backward/digits_resnet"}
HINTS = {"conv_backward/values": "not the mean"}

_reference_backward = conv_backward


def conv_backward(dout, cache):
    dx, dw, _ = _reference_backward(dout, cache)
    return dx, dw, dout.mean(axis=(0, 2, 3))
