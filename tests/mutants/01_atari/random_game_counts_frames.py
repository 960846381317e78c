"""play_random_game counts emulator frames (4 per agent step) instead of calls to env.step: the steps vs
frames confusion that skews every schedule counted in agent steps."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    env.reset()
    score, frames, done = 0.0, 0, False
    while not done:
        _, reward, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        score += reward
        frames += 4
        done = terminated or truncated
    return float(score), frames
