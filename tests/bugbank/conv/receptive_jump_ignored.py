"""The receptive field grows by k - 1 per layer whatever the strides: the jump is never
multiplied by the stride (right for stacks at stride 1 only)."""
FAILS = {"receptive_field/values", "receptive_field/random_stacks"}
HINTS = {"receptive_field/values": "multiplied by every stride"}


def receptive_field(layers):
    sizes, size = [], 1
    for kernel, stride in layers:
        if kernel < 1 or stride < 1:
            raise ValueError("kernel and stride must be >= 1")
        size += kernel - 1
        sizes.append(size)
    return sizes
