"""stack_slots takes the history_length slots before index without looking at episode ends: the
first stacks of a game show the last frames of the previous game (a known bug of several DQN
reimplementations), and the agent learns from states that never happened."""

CAUGHT_BY = ["test_stack_slots"]


def stack_slots(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    return np.array([(index - back) % capacity for back in range(history_length - 1, -1, -1)])
