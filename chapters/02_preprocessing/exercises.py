"""Chapter 2, preprocessing: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch02` (or `make grade CH=02`).
"""

from __future__ import annotations

import cv2
import numpy as np


def to_grayscale(rgb: np.ndarray) -> np.ndarray:
    """Exercise 2.1: the luminance of an RGB frame, Y = 0.299 R + 0.587 G + 0.114 B.

    `rgb` is a uint8 array (height, width, 3) with the channels in the order red, green, blue (as ALE
    returns them). Return a uint8 array (height, width), each value rounded to the nearest integer
    (the grader accepts a difference of 1 for rounding). Do not modify `rgb`.
    """
    ### YOUR CODE HERE
    # Convert to float, take the weighted sum over the last axis (red, green, blue weights),
    # round, and convert back to uint8.
    raise NotImplementedError("Exercise 2.1: write to_grayscale")
    ### END YOUR CODE


def resize_frame(gray: np.ndarray, height: int = 84, width: int = 84) -> np.ndarray:
    """Exercise 2.2: shrink a grayscale frame (H, W) to (height, width) with area interpolation.

    `gray` is a uint8 array (H, W). Return a uint8 array of shape (height, width) computed with
    `cv2.resize` and `interpolation=cv2.INTER_AREA` (each output pixel is the average of the input
    pixels it covers). Do not modify `gray`.
    """
    ### YOUR CODE HERE
    # cv2.resize takes the output size as (width, height), in that order.
    raise NotImplementedError("Exercise 2.2: write resize_frame")
    ### END YOUR CODE


def push_frame(stack: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """Exercise 2.3: the next frame stack: drop the oldest frame, add `frame` as the newest.

    `stack` is an array (k, H, W), oldest frame first (index 0) and newest last (index k - 1); `frame`
    is an array (H, W) of the same dtype. Return a NEW array (k, H, W) of that dtype: frames 1 .. k-1
    of `stack` followed by `frame`. Leave `stack` and `frame` unchanged.
    """
    ### YOUR CODE HERE
    # Keep stack[1:] (everything but the oldest) and put frame[np.newaxis] after it:
    # np.concatenate(..., axis=0) builds a new array.
    raise NotImplementedError("Exercise 2.3: write push_frame")
    ### END YOUR CODE


def reset_stack(frame: np.ndarray, history_length: int = 4) -> np.ndarray:
    """Exercise 2.4: the first stack of a game: `history_length` copies of its first frame.

    `frame` is an array (H, W). Return a new, writable array (history_length, H, W) of the frame's
    dtype in which every entry equals `frame`. It must not share memory with `frame`.
    """
    ### YOUR CODE HERE
    # np.stack a list of history_length copies of the frame along a new first axis
    # (or np.repeat(frame[np.newaxis], history_length, axis=0)).
    raise NotImplementedError("Exercise 2.4: write reset_stack")
    ### END YOUR CODE
