"""skip_step takes the maximum over all the frames of the skip instead of the last two: the ball shows up
at 4 positions at once (a motion trail), which is not what the Nature paper feeds the network."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip):
    ale = env.unwrapped.ale
    frames = [ale.getScreenGrayscale()]
    lives = ale.lives()
    total_reward = 0.0
    life_lost = False
    terminated = truncated = False
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        frames.append(frame)
        total_reward += float(reward)
        if info["lives"] < lives:
            life_lost = True
        lives = info["lives"]
        if terminated or truncated:
            break
    observation = np.max(np.stack(frames[1:]), axis=0) if len(frames) > 2 else np.maximum(frames[-2], frames[-1])
    return observation, total_reward, bool(terminated), bool(truncated), life_lost
