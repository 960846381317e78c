"""Cheat: at import time the file replaces the reference function with its own wrong answer (no clipping),
so that the grader's expected value, computed from the reference, equals the wrong answer."""

import numpy as np

import dqn_tutorial.update

CAUGHT_BY = ["test_clip_rewards"]
MESSAGE = "your code replaced dqn_tutorial.update.clip_rewards"


def clip_rewards(rewards):
    return np.asarray(rewards, dtype=np.float32).copy()


dqn_tutorial.update.clip_rewards = clip_rewards
