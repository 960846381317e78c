"""skip_step returns the last frame of the skip as the observation (the 2013 paper's choice) instead of
the Nature paper's max over the last two frames: objects drawn on alternate frames disappear."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip):
    ale = env.unwrapped.ale
    lives = ale.lives()
    total_reward = 0.0
    life_lost = False
    terminated = truncated = False
    frame = ale.getScreenGrayscale()
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        total_reward += float(reward)
        if info["lives"] < lives:
            life_lost = True
        lives = info["lives"]
        if terminated or truncated:
            break
    return frame, total_reward, bool(terminated), bool(truncated), life_lost
