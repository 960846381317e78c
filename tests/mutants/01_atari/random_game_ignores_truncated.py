"""play_random_game stops only when `terminated` is True and ignores `truncated`: a game cut short by
the frame limit never ends (the emulator keeps saying truncated)."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    env.reset()
    score, steps, terminated = 0.0, 0, False
    while not terminated:
        _, reward, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        score += reward
        steps += 1
    return float(score), steps
