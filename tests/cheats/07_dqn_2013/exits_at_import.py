"""Cheat: the file ends the process while it is being imported (os._exit(0) at the top level), before any
test can run: without isolation, pytest stops with exit status 0 and reports nothing."""

import os

CAUGHT_BY = ["test_clip_rewards"]
MESSAGE = "with the cheat tests/cheats/07_dqn_2013/exits_at_import.py ended the grading process"


def clip_rewards(rewards):
    raise NotImplementedError


os._exit(0)
