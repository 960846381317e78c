"""skip_step only collects the frames of this skip, so when the skip has a single frame (skip=1, or a
game that ends on the first frame) there is no second frame and it returns that frame twice, instead of
`previous_frame` and that frame: the max of the two can then miss an object drawn on the frame before."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip, previous_frame, lives):
    frames = []
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
    before_last = frames[-2] if len(frames) > 1 else frames[-1]
    return (before_last, frames[-1]), total_reward, bool(terminated), bool(truncated), life_lost, info
