"""The receptive field is computed without checking the layers: a kernel of 0 shrinks the field
and a stride of 0 makes every later layer add nothing, with no error."""
FAILS = {"receptive_field/invalid"}


def receptive_field(layers):
    sizes, size, jump = [], 1, 1
    for kernel, stride in layers:
        size += (kernel - 1) * jump
        jump *= stride
        sizes.append(size)
    return sizes
