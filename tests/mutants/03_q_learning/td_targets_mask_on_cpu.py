"""td_targets builds the "not terminal" mask from torch.ones(len(rewards)), a new tensor on the CPU: right
on a CPU, but with a minibatch on the GPU the subtraction mixes devices and fails (or, written with
.to(), copies every batch)."""

CAUGHT_BY = ["test_td_targets"]


def td_targets(rewards, next_q_values, terminals, gamma):
    not_terminal = torch.ones(len(rewards)) - terminals.float()
    best_next = next_q_values.max(dim=1).values
    return (rewards + gamma * not_terminal * best_next).detach()
