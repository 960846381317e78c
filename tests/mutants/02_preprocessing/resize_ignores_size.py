"""resize_frame always shrinks to 84x84 and ignores `height` and `width`: right for the 2015 input, wrong
for the 2013 paper's 110x84 first step."""

CAUGHT_BY = ["test_resize_frame"]


def resize_frame(gray, height=84, width=84):
    return cv2.resize(gray, (84, 84), interpolation=cv2.INTER_AREA)
