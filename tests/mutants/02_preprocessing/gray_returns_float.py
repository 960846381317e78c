"""to_grayscale returns the float64 luminance without rounding it back to uint8: the values are right,
but every frame now takes 8 times the memory (the replay memory holds a million of them)."""

CAUGHT_BY = ["test_to_grayscale"]


def to_grayscale(rgb):
    return rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
