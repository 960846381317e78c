"""find_silent_bug blames update, because the loss is small while the agent does not learn: the loss of
a DQN measures how well Q fits its own targets, not whether the targets are right."""

CAUGHT_BY = ["test_find_silent_bug"]


def find_silent_bug():
    return "update"
