"""lost_a_life tests whether the lives counter changed instead of whether it fell: the reset that
starts a new game (0 -> 5 lives) is then counted as a lost life too."""

CAUGHT_BY = ["test_lost_a_life"]


def lost_a_life(previous_info, info):
    return info["lives"] != previous_info["lives"]
