"""skip_step records the lives counter of every frame and computes life_lost with numpy (any fall in the
list of lives): the truth value is right, but it is a numpy.bool_, not the Python bool the contract asks
for (`life_lost is True` is then False, and json cannot write it)."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip, previous_frame, lives):
    frames = [previous_frame]
    total_reward = 0.0
    counts = [lives]
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        frames.append(frame)
        total_reward += float(reward)
        counts.append(info["lives"])
        if terminated or truncated:
            break
    life_lost = np.any(np.diff(counts) < 0)
    return (frames[-2], frames[-1]), total_reward, bool(terminated), bool(truncated), life_lost, info
