"""stack_slots stops at episode ends but not at the oldest stored slot: when the memory is full it
steps from the oldest slot back to the newest one, and joins frames written a whole capacity apart
(the overwritten slot's episode end is no longer in episode_ends)."""

CAUGHT_BY = ["test_stack_slots"]


def stack_slots(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    slots = [index]
    for _ in range(history_length - 1):
        first = slots[0]
        previous = (first - 1) % capacity
        if (size < capacity and first == 0) or storage["episode_ends"][previous]:
            slots.insert(0, first)
        else:
            slots.insert(0, previous)
    return np.array(slots)
