"""skip_step ignores `previous_frame` and reads the frame before the step from the emulator's screen
(env.unwrapped.ale.getScreenGrayscale()). Most of the time that is the same frame, but ALE does not
restore its screen with its state: in a run resumed from a checkpoint the screen shows a frame from
later in the old run, and the first observation after the resume is wrong."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip, previous_frame, lives):
    frames = [env.unwrapped.ale.getScreenGrayscale()]
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
    return (frames[-2], frames[-1]), total_reward, bool(terminated), bool(truncated), life_lost, info
