"""skip_step always plays all `skip` frames, even after a frame said the game is over: it steps an
ended game (undefined in gymnasium), and the frames it sees after the end are not part of the game."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip, previous_frame, lives):
    frames = [previous_frame]
    total_reward = 0.0
    life_lost = False
    ended = [False, False]
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        frames.append(frame)
        total_reward += float(reward)
        if info["lives"] < lives:
            life_lost = True
        lives = info["lives"]
        ended = [ended[0] or terminated, ended[1] or truncated]
    return (frames[-2], frames[-1]), total_reward, bool(ended[0]), bool(ended[1]), life_lost, info
