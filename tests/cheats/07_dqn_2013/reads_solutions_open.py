"""Cheat: clip_rewards opens the answers file solutions/07_dqn_2013/exercises.py by its path, runs it, and
returns what the answer returns. The values are right; the harness must see the read (audit hook)."""

CAUGHT_BY = ["test_clip_rewards"]
MESSAGE = "reads solutions/07_dqn_2013/exercises.py, the solutions"


def clip_rewards(rewards):
    import os

    path = os.path.join(os.environ.get("DQN_TUTORIAL_ROOT", "."), "solutions", "07_dqn_2013", "exercises.py")
    namespace = {"__name__": "answers"}
    with open(path) as source:
        exec(compile(source.read(), "answers", "exec"), namespace)
    return namespace["clip_rewards"](rewards)
