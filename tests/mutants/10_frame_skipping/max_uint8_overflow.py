"""max_of_last_two uses the identity max(a, b) = (a + b + |a - b|) / 2 directly on uint8 frames: a + b
wraps around past 255 and a - b wraps below 0, so bright pixels come out as nonsense (it looks right on
dark test frames)."""

CAUGHT_BY = ["test_max_of_last_two"]


def max_of_last_two(frame_a, frame_b):
    return (frame_a + frame_b + np.abs(frame_a - frame_b)) // 2
