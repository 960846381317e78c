"""play_random_game makes its own generator with a fixed seed ("for reproducibility") instead of using
the `rng` it is given: every call replays the same sequence of actions, whatever the caller's seed."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    generator = np.random.default_rng(0)
    env.reset()
    score, steps, done = 0.0, 0, False
    while not done:
        _, reward, terminated, truncated, _ = env.step(int(generator.integers(env.action_space.n)))
        score += reward
        steps += 1
        done = terminated or truncated
    return float(score), steps
