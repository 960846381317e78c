"""clip_reward clips the array it is given in place (np.clip with out=): the values returned are right,
but the caller's real game rewards are now clipped too, so the logged scores (and any evaluation
reading them) become clipped scores."""

CAUGHT_BY = ["test_clip_reward"]


def clip_reward(rewards):
    np.clip(rewards, -1, 1, out=rewards)
    return rewards.astype(np.float32)
