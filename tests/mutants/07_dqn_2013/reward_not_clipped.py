"""clip_rewards only converts the rewards to float32 and forgets to clip: Breakout's 4- and 7-point bricks
then weigh 4 and 7 times a 1-point brick, and games with scores in the hundreds would need a different
learning rate, which is what clipping is there to avoid."""

CAUGHT_BY = ["test_clip_rewards"]


def clip_rewards(rewards):
    return np.array(rewards, dtype=np.float32)
