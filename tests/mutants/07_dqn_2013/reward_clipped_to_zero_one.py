"""clip_rewards clips to [0, 1] (thinking of scores, which only go up in Breakout): negative rewards, such
as Pong's -1 when the opponent scores, vanish, and the agent can no longer learn to avoid them."""

CAUGHT_BY = ["test_clip_rewards"]


def clip_rewards(rewards):
    return np.clip(rewards, 0.0, 1.0).astype(np.float32)
