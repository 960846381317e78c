"""max_of_last_two blends the two frames with an average ((a + b) / 2, back to uint8) instead of taking
the maximum: a sprite drawn on only one of the frames survives at half brightness, and a moving ball
shows up as two dim ghosts, so the network sees something the screen never showed."""

CAUGHT_BY = ["test_max_of_last_two"]


def max_of_last_two(frame_a, frame_b):
    average = (frame_a.astype(np.float32) + frame_b.astype(np.float32)) / 2
    return average.astype(np.uint8)
