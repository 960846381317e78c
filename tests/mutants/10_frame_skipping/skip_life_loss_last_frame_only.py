"""skip_step recomputes life_lost on every frame (`life_lost = lives < previous`) instead of remembering
it: a life lost on frame 1, 2 or 3 of a skip is forgotten by the next frame, so the agent is not told that
its last action cost a life (life loss is a learning terminal in the Nature setup)."""

CAUGHT_BY = ["test_skip_step"]


def skip_step(env, action, skip, previous_frame, lives):
    frames = [previous_frame]
    total_reward = 0.0
    life_lost = False
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        frames.append(frame)
        total_reward += float(reward)
        life_lost = info["lives"] < lives
        lives = info["lives"]
        if terminated or truncated:
            break
    return (frames[-2], frames[-1]), total_reward, bool(terminated), bool(truncated), life_lost, info
