"""td_targets clips the rewards to [-1, 1] itself (the papers' reward clipping, put in the wrong place):
the training loop already clips them (Chapter 7), and td_targets must use the rewards it is given."""

CAUGHT_BY = ["test_td_targets"]


def td_targets(rewards, next_q_values, terminals, gamma):
    best_next = next_q_values.max(dim=1).values
    return (rewards.clamp(-1.0, 1.0) + gamma * (1.0 - terminals.float()) * best_next).detach()
