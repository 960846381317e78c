"""skip_step keeps the info dict of the first frame of the skip (`if info is None: info = ...`) instead of
the last one: the lives counter and frame number it reports are out of date by up to 3 frames, so a
life lost later in the skip is missing from the info the wrappers above read."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip, previous_frame, lives):
    frames = [previous_frame]
    total_reward = 0.0
    life_lost = False
    first_info = None
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        if first_info is None:
            first_info = info
        frames.append(frame)
        total_reward += float(reward)
        if info["lives"] < lives:
            life_lost = True
        lives = info["lives"]
        if terminated or truncated:
            break
    return (frames[-2], frames[-1]), total_reward, bool(terminated), bool(truncated), life_lost, first_info
