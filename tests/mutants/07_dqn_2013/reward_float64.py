"""clip_rewards returns np.clip's float64 array without converting it: the values are right, but the
replay memory stores float32 rewards, and every batch would be twice as large in memory until converted."""

CAUGHT_BY = ["test_clip_rewards"]


def clip_rewards(rewards):
    return np.clip(rewards, -1.0, 1.0)
