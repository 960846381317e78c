"""greedy_action returns the argmax tensor instead of a Python int: env.step copes, but the action then
drags a tensor into logs, JSON files and comparisons (tensor([2]) == 2 is a tensor, not a bool)."""

CAUGHT_BY = ["test_greedy_action"]


def greedy_action(network, observation):
    batch = torch.as_tensor(observation).unsqueeze(0)
    with torch.no_grad():
        return network(batch).argmax(dim=1)
