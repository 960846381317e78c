"""receptive_field updates the distance between units before using it, so each layer is measured with
its own stride included (8 + 3*8 + 2*8 = 48 for the Nature network instead of 36)."""

CAUGHT_BY = ["test_receptive_field"]


def receptive_field(layers):
    field = 1
    jump = 1
    for kernel, stride in layers:
        jump = jump * stride
        field = field + (kernel - 1) * jump
    return field
