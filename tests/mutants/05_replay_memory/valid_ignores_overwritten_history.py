"""is_valid_sample forgets that the frames before the oldest slot are gone: the oldest slots of a full
memory are sampled even when their stacks need overwritten frames (the sampler would then stitch the
newest frames in front of the oldest ones)."""

CAUGHT_BY = ["test_is_valid_sample"]


def is_valid_sample(storage, index, cursor, size, history_length=4):
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    age = (index - oldest) % capacity
    if age >= size - 1:
        return False
    if storage["episode_ends"][index] and not storage["terminals"][index]:
        return False
    return True
