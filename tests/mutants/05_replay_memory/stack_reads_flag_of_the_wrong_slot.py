"""stack_slots looks at the episode_ends flag of the first slot collected instead of the slot before it:
the flag on slot j says that the game was reset AFTER step j, so the stack of a game-over step stops
one frame too early, and the first stack of the next game reaches into the game before."""

CAUGHT_BY = ["test_stack_slots"]


def stack_slots(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    slots = [index]
    for _ in range(history_length - 1):
        first = slots[0]
        if first == oldest or storage["episode_ends"][first]:
            slots.insert(0, first)
        else:
            slots.insert(0, (first - 1) % capacity)
    return np.array(slots)
