"""Cheat: clip_rewards imports the answers file by its path with importlib (spec_from_file_location),
which `import solutions` blocking does not stop, and calls the answer."""

CAUGHT_BY = ["test_clip_rewards"]
MESSAGE = "reads solutions/07_dqn_2013/exercises.py, the solutions"


def clip_rewards(rewards):
    import importlib.util
    import os

    path = os.path.join(os.environ.get("DQN_TUTORIAL_ROOT", "."), "solutions", "07_dqn_2013", "exercises.py")
    spec = importlib.util.spec_from_file_location("borrowed_answers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.clip_rewards(rewards)
