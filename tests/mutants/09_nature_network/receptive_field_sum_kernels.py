"""receptive_field adds up the kernel sizes (8 + 4 + 3 = 15 for the Nature network), as if every layer
had stride 1: it forgets that the strides spread the units of the upper layers apart."""

CAUGHT_BY = ["test_receptive_field"]


def receptive_field(layers):
    field = 1
    for kernel, stride in layers:
        field = field + kernel - 1
    return field
