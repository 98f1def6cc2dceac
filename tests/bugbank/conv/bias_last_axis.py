"""Adds the bias with `out + b`, which broadcasts b along the last axis (the columns) instead of
the filters; it runs only when W' happens to equal F."""
FAILS = {"conv_forward/values", "conv_forward/shapes", "conv_backward/values", "conv_backward/numeric_gradient",
         "conv_backward/inputs_untouched", "conv_backward/vs_reference", "max_pool_backward/digits_convnet",
         "max_pool_backward/digits_convnet_vs_reference"}
HINTS = {"conv_forward/values": "wrong axis"}

_reference_forward = conv_forward


def conv_forward(x, w, b, stride=1, pad=0):
    out, cache = _reference_forward(x, w, 0 * b, stride, pad)
    return out + b, cache
