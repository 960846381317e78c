"""receptive_field multiplies each layer's kernel by its own stride instead of by the product of the
strides of the layers below it (8 + 3*2 + 2*1 = 16 instead of 36 for the Nature network)."""

CAUGHT_BY = ["test_receptive_field"]


def receptive_field(layers):
    field = 1
    for kernel, stride in layers:
        field = field + (kernel - 1) * stride
    return field
