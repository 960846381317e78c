"""Cheat: the learner's clip_rewards is the reference function itself, as a line
`clip_rewards = dqn_tutorial.update.clip_rewards` in exercises.py would make it (no code of one's own).
(A cheat file can only add functions, so this one puts the reference into the loaded module by hand.)"""

import sys

import dqn_tutorial.update

CAUGHT_BY = ["test_clip_rewards"]
MESSAGE = "clip_rewards uses the reference implementation (dqn_tutorial.update.clip_rewards)"


def _put_the_reference_in_place():
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").endswith("07_dqn_2013_exercises"):
            module.clip_rewards = dqn_tutorial.update.clip_rewards


_put_the_reference_in_place()
