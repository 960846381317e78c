"""to_grayscale converts the float luminance back with .astype(np.uint8) without rounding: astype cuts off
the fraction, so about half of the pixels come out 1 darker than the luminance rounded to the nearest
integer (166.6 becomes 166)."""

CAUGHT_BY = ["test_to_grayscale"]


def to_grayscale(rgb):
    return (rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
