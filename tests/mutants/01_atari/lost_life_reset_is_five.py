"""lost_a_life recognises a reset by the 5 lives Breakout starts with: any change of the counter is a
lost life unless the new count is 5. Right for Breakout, but a game that starts with 3 lives (Space
Invaders) counts every reset (0 -> 3) as a lost life."""

CAUGHT_BY = ["test_lost_a_life"]


def lost_a_life(previous_info, info):
    return bool(info["lives"] != previous_info["lives"] and info["lives"] != 5)
