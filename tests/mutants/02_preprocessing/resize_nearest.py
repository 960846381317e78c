"""resize_frame uses nearest-neighbour interpolation ("keep the pixels exact"): it drops whole rows and
columns of the screen, and with them parts of the ball and the paddle."""

CAUGHT_BY = ["test_resize_frame"]


def resize_frame(gray, height=84, width=84):
    return cv2.resize(gray, (width, height), interpolation=cv2.INTER_NEAREST)
