"""max_of_last_two converts the frames to float32 "to be safe" before taking the maximum and returns
that: the pixel values are right, but the frame is 4 times larger than the uint8 frames the resize and
the replay memory expect (a 1M-transition memory would need 28 GB instead of 7)."""

CAUGHT_BY = ["test_max_of_last_two"]


def max_of_last_two(frame_a, frame_b):
    return np.maximum(frame_a.astype(np.float32), frame_b.astype(np.float32))
