"""The receptive field from the output-size formula solved for the input, H = (H' - 1) * s + k - 2p,
layer by layer from the top, with the "same" padding p = k // 2 of the notes' example counted in."""
FAILS = {"receptive_field/values", "receptive_field/random_stacks"}
HINTS = {"receptive_field/values": "padding does not enter the receptive field"}


def receptive_field(layers):
    for kernel, stride in layers:
        if kernel < 1 or stride < 1:
            raise ValueError("kernel and stride must be >= 1")
    sizes = []
    for top in range(len(layers)):
        size = 1
        for kernel, stride in reversed(layers[:top + 1]):
            size = (size - 1) * stride + kernel - 2 * (kernel // 2)
        sizes.append(size)
    return sizes
