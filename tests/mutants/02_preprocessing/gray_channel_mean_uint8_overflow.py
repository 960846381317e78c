"""to_grayscale averages the three channels by adding them as uint8: the sum wraps around at 256, so
bright colours turn dark (and a plain average is not luminance anyway)."""

CAUGHT_BY = ["test_to_grayscale"]


def to_grayscale(rgb):
    return (rgb[:, :, 0] + rgb[:, :, 1] + rgb[:, :, 2]) // 3
