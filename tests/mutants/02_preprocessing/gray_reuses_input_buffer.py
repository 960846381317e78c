"""to_grayscale saves an allocation by writing the luminance into the red channel of the frame it is given
and returning that channel: the values are right, but the caller's colour frame is overwritten."""

CAUGHT_BY = ["test_to_grayscale"]


def to_grayscale(rgb):
    luminance = np.round(rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114]))
    rgb[:, :, 0] = luminance
    return rgb[:, :, 0]
