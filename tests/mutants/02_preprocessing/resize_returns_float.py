"""resize_frame scales the frame to [0, 1] floats before resizing (as image libraries often do) and returns
the float32 result: the network's input pipeline expects uint8 frames, and a float32 frame takes 4 times
the memory in the replay memory."""

CAUGHT_BY = ["test_resize_frame"]


def resize_frame(gray, height=84, width=84):
    return cv2.resize(gray.astype(np.float32) / 255.0, (width, height), interpolation=cv2.INTER_AREA)
