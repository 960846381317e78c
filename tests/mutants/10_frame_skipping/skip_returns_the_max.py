"""skip_step returns the max of the last two frames in place of the pair of frames: the caller can no
longer choose (FrameSkip keeps the last frame alone for the 2013 agent, and needs it for the next step's
max), and the result has the wrong structure."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip, previous_frame, lives):
    frames = [previous_frame]
    total_reward = 0.0
    life_lost = False
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        frames.append(frame)
        total_reward += float(reward)
        if info["lives"] < lives:
            life_lost = True
        lives = info["lives"]
        if terminated or truncated:
            break
    return np.maximum(frames[-2], frames[-1]), total_reward, bool(terminated), bool(truncated), life_lost, info
