"""skip_step returns the two frames in the wrong order (last frame first). Their max is the same, but
the 2013 agent, which keeps the last frame alone, would then see the frame before it, one frame late."""

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
    return (frames[-1], frames[-2]), total_reward, bool(terminated), bool(truncated), life_lost, info
