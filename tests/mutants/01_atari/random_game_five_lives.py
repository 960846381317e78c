"""play_random_game knows that Breakout has 5 lives and plays until 5 lives are lost (or the frame limit):
in Space Invaders, which starts with 3 lives, it keeps stepping after the game is over."""

CAUGHT_BY = ["test_play_random_game"]


def play_random_game(env, rng):
    _, info = env.reset()
    score, steps, lives_lost = 0.0, 0, 0
    while lives_lost < 5:
        previous_info = info
        _, reward, terminated, truncated, info = env.step(int(rng.integers(env.action_space.n)))
        score += reward
        steps += 1
        if info["lives"] < previous_info["lives"]:
            lives_lost += 1
        if truncated:
            break
    return float(score), steps
