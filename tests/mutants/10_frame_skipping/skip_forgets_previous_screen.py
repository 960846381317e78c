"""skip_step only collects the frames of this skip, so when the skip has a single frame (skip=1, or a
game that ends on the first frame) there is no second frame and it returns that frame alone, instead
of its max with the screen shown just before."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip):
    lives = env.unwrapped.ale.lives()
    frames = []
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
    observation = frames[-1] if len(frames) == 1 else np.maximum(frames[-2], frames[-1])
    return observation, total_reward, bool(terminated), bool(truncated), life_lost
