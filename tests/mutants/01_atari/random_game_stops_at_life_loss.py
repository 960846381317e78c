"""play_random_game treats a lost life as the end of the game (the "life loss is terminal" training
trick confused with the real end of the episode): it returns the score of the first life only."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    _, info = env.reset()
    lives = info["lives"]
    score, steps = 0.0, 0
    while True:
        _, reward, terminated, truncated, info = env.step(int(rng.integers(env.action_space.n)))
        score += reward
        steps += 1
        if terminated or truncated or info["lives"] < lives:
            return float(score), steps
