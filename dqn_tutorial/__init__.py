"""dqn_tutorial: DeepMind's DQN for Atari Breakout, rebuilt one concept per module.

Each module matches a chapter of the book (see chapters/): read them side by side.
"""

__version__ = "0.1.0"
