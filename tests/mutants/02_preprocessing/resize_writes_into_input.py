"""resize_frame avoids an allocation by writing the small frame into the top-left corner of the frame it is
given and returning that view: the values are right, but the caller's frame is overwritten."""

CAUGHT_BY = ["test_resize_frame"]


def resize_frame(gray, height=84, width=84):
    small = cv2.resize(gray, (width, height), interpolation=cv2.INTER_AREA)
    out = gray[:height, :width]
    out[...] = small
    return out
