"""lost_a_life compares the lives with the 5 a game starts with instead of with the previous step:
after the first loss it says "life lost" on every step until the end of the game."""

CAUGHT_BY = ["test_lost_a_life"]


def lost_a_life(previous_info, info):
    return info["lives"] < 5
