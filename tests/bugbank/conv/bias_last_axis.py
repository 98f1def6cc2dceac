"""Adds the bias with `out + b`, which broadcasts b along the last axis (the columns) instead of
the filters; it runs only when W' happens to equal F."""
# the residual block calls this conv: it inherits the bug
FAILS = {"conv_backward/inputs_untouched", "conv_backward/numeric_gradient", "conv_backward/values",
         "conv_backward/vs_reference", "conv_forward/shapes", "conv_forward/values",
         "max_pool_backward/digits_convnet", "max_pool_backward/digits_convnet_vs_reference",
         "residual_backward/digits_resnet", "residual_backward/inputs_untouched",
         "residual_backward/numeric_gradient", "residual_backward/values", "residual_backward/vs_reference",
         "residual_backward/zero_branch_passes_gradient", "residual_forward/values",
         "residual_forward/zero_branch_is_relu"}
HINTS = {"conv_forward/values": "wrong axis"}

_reference_forward = conv_forward


def conv_forward(x, w, b, stride=1, pad=0):
    out, cache = _reference_forward(x, w, 0 * b, stride, pad)
    return out + b, cache
