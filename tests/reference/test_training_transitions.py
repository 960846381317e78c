"""Every transition the training loop learns from is one the emulator really produced.

The oracle is the environment itself: the test records what `envs.step` returned to the Trainer
(stack before, action, reward, stack after, game over or lost life), then checks that every minibatch
the Trainer's replay memory samples holds exactly such transitions, with the reward clipped and a
lost life or a game over marked terminal. On real Breakout, across lost lives and game overs.
"""

from collections import defaultdict

import numpy as np

from dqn_tutorial.config import get_preset
from dqn_tutorial.training import Trainer


def test_sampled_minibatches_are_the_transitions_the_emulator_produced(tmp_path):
    config = get_preset("nature2015").replace(replay_capacity=4_000, learning_starts=0, device="cpu", seed=5)
    trainer = Trainer(config, tmp_path, progress=False)
    trainer.start_games()
    seen = defaultdict(set)
    step_envs = trainer.envs.envs.step  # the gymnasium vector env under the loop's Emulators
    record = {}

    def recording_step(actions):
        before = trainer.observations[0].copy()
        after, rewards, terminated, truncated, infos = step_envs(actions)
        life_lost = bool(np.asarray(infos.get("life_lost", [False]))[0])
        if not truncated[0]:
            # after a game over (SAME_STEP reset) `after` is the new game's stack: the memory must mark
            # the transition terminal, and then the next stack it returns does not matter
            key = before.tobytes() + (b"end" if terminated[0] else after[0].tobytes())
            seen[key].add((int(actions[0]), float(np.clip(rewards[0], -1, 1)), bool(terminated[0] or life_lost)))
        record["games"] = record.get("games", 0) + int(terminated[0])
        record["lives"] = record.get("lives", 0) + int(life_lost)
        record["rewards"] = record.get("rewards", 0) + int(rewards[0] != 0)
        return after, rewards, terminated, truncated, infos

    trainer.envs.envs.step = recording_step
    for _ in range(3_000):
        trainer.play_step(learning=False)  # random play (epsilon 1 at step 0), no updates
    assert record["games"] >= 2 and record["lives"] >= 8 and record["rewards"] >= 10, record

    checked = terminal_count = 0
    for _ in range(100):
        batch = trainer.memory.sample(32)
        for i in range(32):
            terminal = bool(batch.terminals[i])
            key = batch.observations[i].tobytes() + (
                b"end"
                if terminal and (batch.observations[i].tobytes() + b"end") in seen
                else batch.next_observations[i].tobytes()
            )
            stored = (int(batch.actions[i]), float(batch.rewards[i]), terminal)
            assert key in seen, f"sampled transition {i} has a (stack, next stack) pair the emulator never produced"
            assert stored in seen[key], (
                f"sampled (action, reward, terminal) {stored} not among the emulator's {seen[key]}"
            )
            checked += 1
            terminal_count += terminal
    assert terminal_count > 0, "no terminal transition was sampled: the test would miss terminal misalignment"
