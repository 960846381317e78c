"""stack_slots marks the slot before the oldest one as an episode end (storage["episode_ends"][oldest - 1] =
True) so that the walk back stops at the oldest slot by itself: the stacks are right, but once the
memory is full that slot is the newest transition, which the memory now believes ended its episode (it
is never sampled, and the next stack does not reach back into it)."""

CAUGHT_BY = ["test_stack_slots"]


def stack_slots(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    storage["episode_ends"][(oldest - 1) % capacity] = True  # nothing before the oldest slot: a boundary
    slots = [index]
    for _ in range(history_length - 1):
        first = slots[0]
        previous = (first - 1) % capacity
        slots.insert(0, first if storage["episode_ends"][previous] else previous)
    return np.array(slots)
