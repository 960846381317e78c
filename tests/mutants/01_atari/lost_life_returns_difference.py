"""lost_a_life returns how many lives were lost (an int) instead of a bool: 1 and 0 look like True and
False in an `if`, but a reset gives -5, which is "true" as well."""

CAUGHT_BY = ["test_lost_a_life"]


def lost_a_life(previous_info, info):
    return previous_info["lives"] - info["lives"]
