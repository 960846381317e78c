"""stack_slots steps back with first - 1 and forgets `% capacity`: the slot before slot 0 comes out as
-1 (numpy would even read the right frame with it), but the contract asks for slot numbers in
0..capacity-1, and the check `first == oldest` or any comparison with another slot number breaks."""

CAUGHT_BY = ["test_stack_slots"]


def stack_slots(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    slots = [index]
    for _ in range(history_length - 1):
        first = slots[0]
        previous = first - 1
        if first == oldest or storage["episode_ends"][previous]:
            slots.insert(0, first)
        else:
            slots.insert(0, previous)
    return np.array(slots)
