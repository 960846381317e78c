"""receptive_field walks the layers with layers.pop(0) until the list is empty: the field is right, but the
caller's list of layers is emptied by the call (a second call on the same list, or the table that prints
the layers next to it, then sees no layer at all)."""

CAUGHT_BY = ["test_receptive_field"]


def receptive_field(layers):
    field, jump = 1, 1
    while layers:
        kernel, stride = layers.pop(0)
        field += (kernel - 1) * jump
        jump *= stride
    return field
