"""max_of_last_two returns the most recent frame as it is (the 2013 behaviour): an object drawn only on
the earlier frame, such as a flickering laser in Space Invaders, is lost."""

CAUGHT_BY = ["test_max_of_last_two"]


def max_of_last_two(frame_a, frame_b):
    return frame_b.copy()
