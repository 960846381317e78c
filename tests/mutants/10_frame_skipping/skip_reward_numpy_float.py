"""skip_step collects the rewards of the frames in a list and returns np.sum of it: the value is right, but
it is a numpy.float64, not the Python float the contract asks for (it then leaks into the logs and the
JSON of the run's summary, which cannot serialise numpy scalars)."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip, previous_frame, lives):
    frames = [previous_frame]
    rewards = []
    life_lost = False
    previous_info = {"lives": lives}
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        frames.append(frame)
        rewards.append(reward)
        if lost_a_life(previous_info, info):
            life_lost = True
        previous_info = info
        if terminated or truncated:
            break
    return (frames[-2], frames[-1]), np.sum(rewards), bool(terminated), bool(truncated), life_lost, info
