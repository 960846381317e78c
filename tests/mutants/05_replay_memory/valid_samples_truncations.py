"""is_valid_sample forgets the terminal flag and treats every episode end alike, so truncated
transitions are sampled: their target would bootstrap from a next observation that belongs to the
next game (it was never stored), a wrong target that a terminal mask would not hide."""

CAUGHT_BY = ["test_is_valid_sample"]


def is_valid_sample(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    age = (index - oldest) % capacity
    if age >= size - 1:
        return False
    if age < history_length - 1:
        ends = [storage["episode_ends"][(oldest + a) % capacity] for a in range(age)]
        return bool(storage["end_before_oldest"] or any(ends))
    return True
