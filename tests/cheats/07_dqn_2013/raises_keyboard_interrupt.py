"""Cheat: clip_rewards raises KeyboardInterrupt, which pytest takes for Ctrl-C: without isolation the
run stops there, and no table and no report are written."""

CAUGHT_BY = ["test_clip_rewards"]
MESSAGE = "clip_rewards raised KeyboardInterrupt"


def clip_rewards(rewards):
    raise KeyboardInterrupt
