"""skip_step keeps the last two frames in two buffers, as some FrameSkip wrappers do, and uses the caller's
previous_frame as the first buffer: the frames it returns are right, but it writes into previous_frame,
so the caller's copy of the frame before the step now holds a later frame."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip, previous_frame, lives):
    buffers = [previous_frame, previous_frame.copy()]
    total_reward = 0.0
    life_lost = False
    previous_info = {"lives": lives}
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        buffers[0][...] = buffers[1]
        buffers[1][...] = frame
        total_reward += float(reward)
        if lost_a_life(previous_info, info):
            life_lost = True
        previous_info = info
        if terminated or truncated:
            break
    return (buffers[0], buffers[1]), total_reward, bool(terminated), bool(truncated), life_lost, info
