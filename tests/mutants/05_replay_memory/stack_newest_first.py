"""stack_slots lists the slots newest first (index, index-1, ...), the order in which the walk back
finds them: the network would see time running backwards, the ball moving the wrong way."""

CAUGHT_BY = ["test_stack_slots"]


def stack_slots(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    slots = [index]
    for _ in range(history_length - 1):
        last = slots[-1]
        previous = (last - 1) % capacity
        if last == oldest or storage["episode_ends"][previous]:
            slots.append(last)
        else:
            slots.append(previous)
    return np.array(slots)
