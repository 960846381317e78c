"""to_grayscale applies the weights in OpenCV's BGR order (cv2.COLOR_BGR2GRAY, the usual recipe for
images read with cv2.imread) to ALE's RGB frames: red gets blue's tiny weight and the reverse."""

CAUGHT_BY = ["test_to_grayscale"]


def to_grayscale(rgb):
    return cv2.cvtColor(rgb, cv2.COLOR_BGR2GRAY)
