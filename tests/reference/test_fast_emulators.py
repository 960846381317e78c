"""The fast engine's C++ emulators against the Python env of Chapters 1, 2 and 10."""

import numpy as np
import pytest
import torch

from dqn_tutorial.atari import make_atari_env
from dqn_tutorial.config import get_preset
from dqn_tutorial.errors import UserError
from dqn_tutorial.fast.emulators import VectorAtari, push_frames, rom_name


def test_rom_names():
    assert rom_name("Breakout") == "breakout"
    assert rom_name("ALE/MsPacman-v5") == "ms_pacman"


def test_push_frames_repeats_a_new_games_first_frame():
    stacks = torch.arange(2 * 4, dtype=torch.uint8).view(2, 4, 1, 1).expand(2, 4, 3, 3).contiguous()
    frames = torch.full((2, 3, 3), 99, dtype=torch.uint8)
    pushed = push_frames(stacks, frames, torch.tensor([False, True]))
    assert pushed[0, :, 0, 0].tolist() == [1, 2, 3, 99]  # rolled left, newest last
    assert pushed[1, :, 0, 0].tolist() == [99, 99, 99, 99]  # a new game: its first frame four times


def test_frames_rewards_and_lives_match_the_python_env():
    """With no-ops and FIRE off (both random or changed there), the C++ preprocessing must give the
    very same stacks as Chapter 2's wrappers, through lost lives and a game over."""
    config = get_preset("nature2015").replace(noop_max=0, fire_reset=False)
    python_env = make_atari_env("Breakout", noop_max=0, fire_reset=False, seed=0)
    vector = VectorAtari(config, num_envs=1, seed=0)
    expected, _ = python_env.reset(seed=0)
    stacks = vector.reset()
    np.testing.assert_array_equal(stacks[0].numpy(), expected)
    rng = np.random.default_rng(1)
    games_over = lives_lost = 0
    for step in range(450):
        action = int(rng.integers(4))
        expected, reward, terminated, truncated, info = python_env.step(action)
        _, stacks, rewards, vector_terminated, _, life_lost = vector.step(np.array([action]))
        assert rewards[0] == reward and vector_terminated[0] == terminated, f"step {step}"
        if terminated:
            games_over += 1
            expected, _ = python_env.reset()
        else:
            assert life_lost[0] == info["life_lost"], f"step {step}"
            lives_lost += int(life_lost[0])
        np.testing.assert_array_equal(stacks[0].numpy(), expected, err_msg=f"stacks differ at step {step}")
    vector.close()
    assert games_over >= 1 and lives_lost >= 4, (games_over, lives_lost)


def test_fire_is_pressed_when_a_game_or_life_begins():
    vector = VectorAtari(get_preset("nature2015"), num_envs=2, seed=3)
    vector.reset()
    noop = np.zeros(2, dtype=np.int64)
    taken, *_ = vector.step(noop)
    assert taken.tolist() == [vector.fire_action] * 2
    fired_after_loss = 0
    for _ in range(3000):
        taken, _, _, terminated, truncated, life_lost = vector.step(noop)
        if life_lost.any() or terminated.any():
            taken, *_ = vector.step(noop)
            assert (taken[life_lost | terminated] == vector.fire_action).all()
            fired_after_loss += 1
        else:
            assert (taken == 0).all()
        if fired_after_loss >= 3:
            break
    vector.close()
    assert fired_after_loss >= 3


def test_send_twice_without_recv_is_an_error():
    vector = VectorAtari(get_preset("nature2015"), num_envs=1, seed=0)
    vector.reset()
    vector.send(np.zeros(1, dtype=np.int64))
    with pytest.raises(RuntimeError, match="recv"):
        vector.send(np.zeros(1, dtype=np.int64))
    vector.recv()
    vector.close()


def test_cartpole_is_refused():
    with pytest.raises(UserError, match="Atari"):
        VectorAtari(get_preset("cartpole"), num_envs=1, seed=0)


def test_no_op_starts_play_0_to_30_frames_in_both_engines():
    """Both engines start each game after 0..30 no-op emulator frames (the Nature protocol), counted
    by the emulator itself: `episode_frame_number` right after a reset. ale-py's C++ env draws below
    the `noop_max` it is given, so VectorAtari asks it for one more (vector_noop_max)."""
    import gymnasium as gym

    from dqn_tutorial.preprocessing import NoopReset

    config = get_preset("nature2015")
    assert config.noop_max == 30
    vector = VectorAtari(config, num_envs=8, seed=0)
    fast_counts = []
    for index in range(60):  # 480 starts; seeded once, so the draws are the same on every run
        _, info = vector.envs.reset(seed=0 if index == 0 else None)
        fast_counts += [int(n) for n in info["episode_frame_number"]]
    vector.close()

    raw = gym.make("ALE/Breakout-v5", frameskip=1, repeat_action_probability=0.0)
    plain = NoopReset(raw, noop_max=config.noop_max)
    plain_counts = []
    for index in range(480):
        _, info = plain.reset(seed=0 if index == 0 else None)
        plain_counts.append(int(info["episode_frame_number"]))
    plain.close()

    # With 480 uniform draws from 0..30, missing either end has probability about 1e-7.
    assert (min(plain_counts), max(plain_counts)) == (0, 30), "the plain engine's NoopReset"
    assert (min(fast_counts), max(fast_counts)) == (0, 30), "the fast engine's C++ emulators"
    assert len(set(fast_counts)) == len(set(plain_counts)) == 31


def test_emulator_threads_default_to_one_per_emulator_up_to_the_usable_cores():
    from dqn_tutorial.fast.emulators import emulator_threads, usable_cores

    cores = usable_cores()
    assert emulator_threads(0, 1) == 1
    assert emulator_threads(0, 64) == min(64, cores)
    assert emulator_threads(3, 64) == 3  # config.env_threads, when set, is taken as it is
    vector = VectorAtari(get_preset("nature2015"), num_envs=2, seed=0)
    assert vector.num_threads == min(2, cores)
    vector.close()
