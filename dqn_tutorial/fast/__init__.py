"""The fast engine (Chapter 12): the same algorithm (`dqn.py`), arranged so a GPU never waits on Python.

Three parts replace the plain engine's, each its own module, with the same names for the same things:
- `emulators.VectorAtari`: `num_envs` emulators in C++ threads, frame stacks kept on the device;
- `replay_memory.DeviceReplayMemory`: Chapter 5's memory with its frames on the device;
- `update.GraphedUpdate`: `update.update_step` recorded once as a CUDA graph, then replayed.
`engine.FastEngine` builds them for `training.Trainer`. The plain modules never import this package;
`training.make_engine` loads it when a config asks for `engine="fast"`.
"""
