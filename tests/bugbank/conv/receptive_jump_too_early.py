"""The jump is multiplied by a layer's stride before that layer's kernel is added: a layer's
kernel is taken to span units of its own output's spacing."""
FAILS = {"receptive_field/values", "receptive_field/random_stacks"}
HINTS = {"receptive_field/values": "only after its size"}


def receptive_field(layers):
    sizes, size, jump = [], 1, 1
    for kernel, stride in layers:
        if kernel < 1 or stride < 1:
            raise ValueError("kernel and stride must be >= 1")
        jump *= stride
        size += (kernel - 1) * jump
        sizes.append(size)
    return sizes
