"""skip_step returns the first and the last frame of the skip instead of the last two: their max shows
the ball both where it is now and where it was 3 frames earlier (a trail), which is not the Nature
paper's maximum over a frame and the one before it."""

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
    first = frames[1] if len(frames) > 2 else frames[0]
    return (first, frames[-1]), total_reward, bool(terminated), bool(truncated), life_lost, info
