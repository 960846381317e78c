"""clip_rewards converts to float32 and then clips that array in place (np.clip with out=): for float32
rewards np.asarray returns the caller's own array, so the caller's real game rewards are clipped too
and the logged scores (and any evaluation reading them) become clipped scores."""

CAUGHT_BY = ["test_clip_rewards"]


def clip_rewards(rewards):
    rewards = np.asarray(rewards, dtype=np.float32)
    np.clip(rewards, -1.0, 1.0, out=rewards)
    return rewards
