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
    returns them). Returns a new uint8 array (height, width): the luminance of each pixel rounded to
    the nearest integer (a value exactly halfway may go either way). `rgb` is left unchanged.
    """
    ### YOUR CODE HERE
    # The contract is in the docstring; the chapter's exercise box has hints (Exercise 2.1).
    raise NotImplementedError("Exercise 2.1: write to_grayscale")
    ### END YOUR CODE


def resize_frame(gray: np.ndarray, height: int = 84, width: int = 84) -> np.ndarray:
    """Exercise 2.2: shrink a grayscale frame (H, W) to (height, width) with area interpolation.

    `gray` is a uint8 array (H, W). Returns a new uint8 array of shape (height, width), pixel for pixel
    what OpenCV's area interpolation (`cv2.INTER_AREA`) gives for the uint8 frame: each output pixel
    is the average of the input pixels it covers, rounded to the nearest integer. `gray` is left
    unchanged.
    """
    ### YOUR CODE HERE
    # The contract is in the docstring; the chapter's exercise box has hints (Exercise 2.2).
    raise NotImplementedError("Exercise 2.2: write resize_frame")
    ### END YOUR CODE


def push_frame(stack: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """Exercise 2.3: the next frame stack: drop the oldest frame, add `frame` as the newest.

    `stack` is an array (k, H, W), oldest frame first (index 0) and newest last (index k - 1); `frame`
    is an array (H, W) of the same dtype. Returns a new array (k, H, W) of that dtype, sharing no
    memory with the inputs: frames 1 .. k-1 of `stack` followed by `frame`. `stack` and `frame` are
    left unchanged (the caller may have stored the old stack).
    """
    ### YOUR CODE HERE
    # The contract is in the docstring; the chapter's exercise box has hints (Exercise 2.3).
    raise NotImplementedError("Exercise 2.3: write push_frame")
    ### END YOUR CODE


def reset_stack(frame: np.ndarray, history_length: int = 4) -> np.ndarray:
    """Exercise 2.4: the first stack of a game: `history_length` copies of its first frame.

    `frame` is an array (H, W). Returns a new, writable array (history_length, H, W) of the frame's
    dtype in which every slot equals `frame`. The slots share no memory with `frame` or with each
    other (the next pushes write into them). `frame` is left unchanged.
    """
    ### YOUR CODE HERE
    # The contract is in the docstring; the chapter's exercise box has hints (Exercise 2.4).
    raise NotImplementedError("Exercise 2.4: write reset_stack")
    ### END YOUR CODE
