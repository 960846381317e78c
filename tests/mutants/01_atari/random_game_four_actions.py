"""play_random_game hard-codes Breakout's 4 actions instead of asking env.action_space.n: on a game
with another action set (Space Invaders has 6) two actions are never tried."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    env.reset()
    score, steps, done = 0.0, 0, False
    while not done:
        _, reward, terminated, truncated, _ = env.step(int(rng.integers(4)))
        score += reward
        steps += 1
        done = terminated or truncated
    return float(score), steps
