"""to_grayscale multiplies by a (3, 1) weight matrix and returns shape (height, width, 1) instead of
(height, width): stacking such frames gives (4, 84, 84, 1) or fails later."""

CAUGHT_BY = ["test_to_grayscale"]


def to_grayscale(rgb):
    weights = np.array([[0.299], [0.587], [0.114]])
    return np.round(rgb.astype(np.float64) @ weights).astype(np.uint8)
