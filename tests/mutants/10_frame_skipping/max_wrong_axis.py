"""max_of_last_two stacks the two frames on the last axis and then takes the maximum over axis 0 (the
image rows) instead of over the new frame axis: the result has the wrong shape and mixes pixels from
different rows."""

CAUGHT_BY = ["test_max_of_last_two"]


def max_of_last_two(frame_a, frame_b):
    return np.stack([frame_a, frame_b], axis=-1).max(axis=0)
