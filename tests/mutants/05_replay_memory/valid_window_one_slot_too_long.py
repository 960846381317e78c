"""is_valid_sample applies the overwritten-history rule to the history_length oldest slots instead of
history_length - 1 (an off-by-one: the window of slot index is index-history_length+1 .. index, so
only the history_length-1 oldest slots reach back past the oldest one): a slot whose whole window is
stored is rejected."""

CAUGHT_BY = ["test_is_valid_sample"]


def is_valid_sample(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    age = (index - oldest) % capacity
    if age >= size - 1:
        return False
    if storage["episode_ends"][index] and not storage["terminals"][index]:
        return False
    if age < history_length:
        ends = [storage["episode_ends"][(oldest + a) % capacity] for a in range(age)]
        return bool(storage["end_before_oldest"] or any(ends))
    return True
