"""replay_memory_bytes counts a whole stack of 4 frames per transition, as a memory that stores each
observation as it comes out of the environment would (CleanRL's 28 GB at 1M): the chapter's memory
stores one frame per transition and rebuilds stacks, so this overstates the RAM needed four times."""

CAUGHT_BY = ["test_replay_memory_bytes"]


def replay_memory_bytes(capacity, frame_shape=(84, 84)):
    frame_bytes = 1
    for size in frame_shape:
        frame_bytes *= size
    return int(capacity * (4 * frame_bytes + 1 + 4 + 2))
