"""Cheat: the reference function is imported at the top of the file under another name
(`from dqn_tutorial.update import clip_rewards as reference_clip`) and clip_rewards returns its result."""

from dqn_tutorial.update import clip_rewards as reference_clip

CAUGHT_BY = ["test_clip_rewards"]
MESSAGE = "uses the reference implementation (dqn_tutorial.update.clip_rewards)"


def clip_rewards(rewards):
    return reference_clip(rewards)
