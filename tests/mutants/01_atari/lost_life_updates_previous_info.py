"""lost_a_life "carries the count forward" by writing the new number of lives into previous_info: the
answer is right, but the caller's dict changes under its feet (the frame-skipping wrapper keeps the
previous info to compare the next frame with)."""

CAUGHT_BY = ["test_lost_a_life"]


def lost_a_life(previous_info, info):
    lost = info["lives"] < previous_info["lives"]
    previous_info["lives"] = info["lives"]
    return bool(lost)
