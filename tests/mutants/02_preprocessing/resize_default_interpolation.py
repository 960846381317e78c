"""resize_frame calls cv2.resize without choosing the interpolation, so it uses the default bilinear
one: when shrinking, it samples a few input pixels instead of averaging them, and thin objects such as
the ball can fade out or vanish."""

CAUGHT_BY = ["test_resize_frame"]


def resize_frame(gray, height=84, width=84):
    return cv2.resize(gray, (width, height))
