"""clip_rewards clips with boolean masks on the array it was given (`rewards[rewards > 1] = 1`) and returns
a float32 copy: the values are right, but the caller's real game rewards are overwritten, so the
episode's score, which is computed from them, becomes a clipped score."""

CAUGHT_BY = ["test_clip_rewards"]


def clip_rewards(rewards):
    rewards[rewards > 1] = 1
    rewards[rewards < -1] = -1
    return rewards.astype(np.float32)
