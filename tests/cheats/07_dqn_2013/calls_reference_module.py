"""Cheat: clip_rewards imports the reference module inside the function and returns what the reference
function of the same name returns (`import dqn_tutorial.update; dqn_tutorial.update.clip_rewards(...)`)."""

CAUGHT_BY = ["test_clip_rewards"]
MESSAGE = "uses the reference implementation (dqn_tutorial.update.clip_rewards)"


def clip_rewards(rewards):
    import dqn_tutorial.update

    return dqn_tutorial.update.clip_rewards(rewards)
