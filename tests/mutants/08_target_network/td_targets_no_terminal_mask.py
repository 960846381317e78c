"""td_targets_from_target forgets the terminal mask: it bootstraps from the state after a lost life or a
game over, as if the game went on, which inflates every value near the end of an episode."""

CAUGHT_BY = ["test_td_targets_from_target"]


def td_targets_from_target(target, rewards, next_observations, terminals, gamma):
    with torch.no_grad():
        return rewards + gamma * target(next_observations).max(dim=1).values
