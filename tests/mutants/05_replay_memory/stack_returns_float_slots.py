"""stack_slots fills a preallocated np.zeros(history_length) from the newest slot back: the slot numbers
are right, but the array is float64, and a float array cannot index the frames (IndexError in
ReplayMemory.sample)."""

CAUGHT_BY = ["test_stack_slots"]


def stack_slots(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    slots = np.zeros(history_length)
    slots[-1] = index
    for position in range(history_length - 2, -1, -1):
        first = int(slots[position + 1])
        previous = (first - 1) % capacity
        slots[position] = first if first == oldest or storage["episode_ends"][previous] else previous
    return slots
