"""skip_step starts a new game itself when a frame says the game is over, and returns the new game's first
frame and info: the caller never sees the last frame of the game, and the lives and frame counters it
gets belong to the next game (resetting is the caller's job: gymnasium's autoreset, or the loop)."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip, previous_frame, lives):
    frames = [previous_frame]
    total_reward = 0.0
    life_lost = False
    previous_info = {"lives": lives}
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        frames.append(frame)
        total_reward += float(reward)
        if lost_a_life(previous_info, info):
            life_lost = True
        previous_info = info
        if terminated or truncated:
            env.reset()
            break
    return (frames[-2], frames[-1]), total_reward, bool(terminated), bool(truncated), life_lost, info
