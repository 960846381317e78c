"""td_targets_from_target builds its mask of the non-terminal rows with torch.ones(n) - terminals: torch.ones
makes its tensor on the CPU, so the function is right on a CPU but fails (or copies at every update) when
the batch and the network are on a GPU."""

CAUGHT_BY = ["test_td_targets_from_target"]


def td_targets_from_target(target, rewards, next_observations, terminals, gamma):
    with torch.no_grad():
        not_terminal = torch.ones(len(terminals)) - terminals
        return rewards + gamma * not_terminal * target(next_observations).max(dim=1).values
