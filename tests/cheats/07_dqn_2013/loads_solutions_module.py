"""Cheat: clip_rewards asks the package's own loader for the answers, load_exercises("07_dqn_2013",
"solutions"), the way the notebooks load a chapter, and calls the answer."""

CAUGHT_BY = ["test_clip_rewards"]
MESSAGE = "reads solutions/07_dqn_2013/exercises.py, the solutions"


def clip_rewards(rewards):
    from dqn_tutorial.implementations import load_exercises

    return load_exercises("07_dqn_2013", "solutions").clip_rewards(rewards)
