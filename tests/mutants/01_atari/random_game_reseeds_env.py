"""play_random_game resets with a fixed seed at every game ("to make it reproducible"): each game
replays the same emulator randomness, and the seed the caller gave the environment is thrown away."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    env.reset(seed=0)
    score, steps, done = 0.0, 0, False
    while not done:
        _, reward, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        score += reward
        steps += 1
        done = terminated or truncated
    return float(score), steps
