"""resize_frame passes (height, width) to cv2.resize, which expects (width, height): invisible at
84x84, but a 110x84 frame (the 2013 paper's size) comes out 84x110."""

CAUGHT_BY = ["test_resize_frame"]


def resize_frame(gray, height=84, width=84):
    return cv2.resize(gray, (height, width), interpolation=cv2.INTER_AREA)
