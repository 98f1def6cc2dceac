"""Ignores the stride argument and steps by pool_size (right only when they are equal)."""
FAILS = {"max_pool_forward/values", "max_pool_backward/values", "max_pool_backward/overlapping_windows",
         "max_pool_backward/ties", "max_pool_backward/inputs_untouched", "max_pool_backward/vs_reference"}
HINTS = {"max_pool_forward/values": "use the stride argument"}

_reference_forward = max_pool_forward


def max_pool_forward(x, pool_size=2, stride=2):
    return _reference_forward(x, pool_size, pool_size)
