"""play_random_game draws the next action at the end of each loop turn, so after the last step it draws
one action that is never played: the game itself is right, but the caller's generator is one draw
ahead, and the next game (or anything else seeded by it) differs from the reference."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    env.reset()
    score, steps, done = 0.0, 0, False
    action = int(rng.integers(env.action_space.n))
    while not done:
        _, reward, terminated, truncated, _ = env.step(action)
        score += reward
        steps += 1
        done = terminated or truncated
        action = int(rng.integers(env.action_space.n))
    return float(score), steps
