"""stack_slots stops the walk back at a terminal flag instead of an episode end, as DeepMind's code cuts
stacks at a lost life: but this memory's stacks run across a lost life (the game goes on, and the
agent's own frame stack did not restart), so the stacks after a lost life are not what the agent saw."""

CAUGHT_BY = ["test_stack_slots"]


def stack_slots(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    slots = [index]
    for _ in range(history_length - 1):
        first = slots[0]
        previous = (first - 1) % capacity
        if first == oldest or storage["terminals"][previous] or storage["episode_ends"][previous]:
            slots.insert(0, first)
        else:
            slots.insert(0, previous)
    return np.array(slots)
