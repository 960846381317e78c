"""resize_frame resizes a float32 copy of the frame (to "keep the precision" of the averages) and converts
the result with .astype(np.uint8): astype truncates, so many pixels are 1 darker than cv2's rounded
uint8 resize."""

CAUGHT_BY = ["test_resize_frame"]


def resize_frame(gray, height=84, width=84):
    resized = cv2.resize(gray.astype(np.float32), (width, height), interpolation=cv2.INTER_AREA)
    return resized.astype(np.uint8)
