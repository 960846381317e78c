"""skip_step keeps only the reward of the last frame of the skip (`total_reward = reward` inside the
loop): a brick hit on frames 1-3 of a skip is never rewarded, so the agent learns from a fraction of its
points."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip, previous_frame, lives):
    frames = [previous_frame]
    total_reward = 0.0
    life_lost = False
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        frames.append(frame)
        total_reward = float(reward)
        if info["lives"] < lives:
            life_lost = True
        lives = info["lives"]
        if terminated or truncated:
            break
    return (frames[-2], frames[-1]), total_reward, bool(terminated), bool(truncated), life_lost, info
