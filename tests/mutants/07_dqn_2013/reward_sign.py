"""clip_rewards takes the sign of each reward (the papers' wording: "all positive rewards to 1, all
negative to -1"): the same for whole-number game points, but a fractional 0.5 becomes 1, where
DeepMind's code (and the contract) clips and keeps 0.5."""

CAUGHT_BY = ["test_clip_rewards"]


def clip_rewards(rewards):
    return np.sign(rewards).astype(np.float32)
