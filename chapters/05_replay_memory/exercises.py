"""Chapter 5, replay memory: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch05` (or `make grade CH=05`).
"""

from __future__ import annotations

import numpy as np


def empty_storage(capacity: int, frame_shape=(84, 84), frame_dtype=np.uint8) -> dict:
    """The arrays of a replay memory of `capacity` transitions, one slot per transition (not an exercise).

    Slot i holds one transition: the newest frame of the observation in which the action was taken,
    the action, the clipped reward, and two flags. `end_before_oldest` is the episode_end flag of the
    transition just before the oldest stored one (see Exercise 5.2); before anything is overwritten,
    storage begins an episode, so it starts True.
    """
    return {
        "frames": np.zeros((capacity, *frame_shape), dtype=frame_dtype),
        "actions": np.zeros(capacity, dtype=np.uint8),
        "rewards": np.zeros(capacity, dtype=np.float32),
        "terminals": np.zeros(capacity, dtype=bool),
        "episode_ends": np.zeros(capacity, dtype=bool),
        "end_before_oldest": True,
    }


def memory_bytes(capacity: int, frame_shape=(84, 84), frame_dtype=np.uint8) -> int:
    """Exercise 5.1: bytes needed by a replay memory of `capacity` transitions, one frame per transition.

    Each transition stores one frame of shape `frame_shape` and dtype `frame_dtype`, one action (uint8,
    1 byte), one reward (float32, 4 bytes), a terminal flag and an episode-end flag (bool, 1 byte each):
    the arrays of `empty_storage`. Compute it without allocating anything. Returns a Python int, exact
    for any capacity (billions of bytes: a fixed-size integer type could overflow).
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 5.1: write memory_bytes")
    ### END YOUR CODE


def add_transition(
    storage: dict,
    cursor: int,
    size: int,
    frame: np.ndarray,
    action: int,
    reward: float,
    terminal: bool,
    episode_end: bool,
) -> tuple[int, int]:
    """Exercise 5.2: write one transition at slot `cursor` of a circular buffer; return (cursor, size) after it.

    `storage` is a dict made by `empty_storage(capacity, ...)`. `cursor` is the slot the next
    transition goes to, `size` the number of transitions stored so far (at most capacity). After the
    call, slot `cursor` of the arrays holds frame, action, reward, terminal and episode_end, written in
    place (the arrays are the same objects: they are allocated once, 7 GB for the papers' memory), and
    the other slots are as they were. storage["end_before_oldest"] (a bool) is always the episode_end
    flag of the transition just before the oldest one still stored: True as long as nothing has been
    overwritten (storage starts with a game). `frame` is only read. Returns the new (cursor, size), as
    Python ints: the cursor one slot on, back to 0 after the last slot; size one more, at most capacity.
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 5.2: write add_transition")
    ### END YOUR CODE


def stack_slots(storage: dict, index: int, cursor: int, size: int, history_length: int = 4) -> np.ndarray:
    """Exercise 5.3: the slots whose frames form the observation at slot `index`, oldest first.

    `storage`, `cursor` and `size` describe a memory filled with `add_transition`; `index` is a stored
    slot. The observation at `index` is what the agent's frame stack held: the frames of slots
    index-history_length+1, ..., index-1, index, around the ring (slot 0 follows slot capacity-1),
    except that a stack holds no frame of an earlier episode (an episode ends at a slot whose
    episode_ends is True) and nothing older than the oldest stored slot (slot 0 until the memory is
    full, then `cursor`): those positions hold the earliest slot of the stack that is allowed, repeated,
    as the frame stack repeats the first frame at the start of a game. Returns an integer numpy array of
    shape (history_length,), oldest first, with slot numbers in 0..capacity-1. `storage` is only read.
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 5.3: write stack_slots")
    ### END YOUR CODE


def is_valid_sample(storage: dict, index: int, cursor: int, size: int, history_length: int = 4) -> bool:
    """Exercise 5.4: may the transition at slot `index` be sampled? Returns a bool.

    `storage`, `cursor` and `size` describe a memory filled with `add_transition`; `index` is any slot
    in 0..capacity-1. A slot is NOT valid when
    - it was never written, or it is the newest slot: its next observation is not stored yet;
    - it is a truncation (episode_ends True, terminals False): the game was reset after it, so its
      next observation, which the target would need, was never stored;
    - its stack would need frames from before the oldest stored slot, which are gone: this happens
      when it is one of the history_length-1 oldest slots, unless an episode began inside its window,
      i.e. unless storage["end_before_oldest"] is True or a slot from the oldest one up to index-1
      ended an episode.
    Every other slot is valid, terminal ones included. Returns a Python bool (not a numpy.bool_);
    `storage` is only read.
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 5.4: write is_valid_sample")
    ### END YOUR CODE
