"""Cheat: at import time the file swaps the code of the reference function for its own (the function
object stays the same, only its __code__ changes), so the reference agrees with the wrong answer."""

import numpy as np

import dqn_tutorial.update

CAUGHT_BY = ["test_clip_rewards"]
MESSAGE = "dqn_tutorial.update.clip_rewards"


def clip_rewards(rewards):
    return np.asarray(rewards, dtype=np.float32).copy()


dqn_tutorial.update.clip_rewards.__code__ = clip_rewards.__code__
