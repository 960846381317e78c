"""sync_target copies only the first layers (all parameter tensors but the last two, i.e. it forgets the
output layer): a loop bound written for another network, so the output layer of the target stays at
its old values forever."""

CAUGHT_BY = ["test_sync_target"]


def sync_target(target, online):
    target_parameters = list(target.parameters())
    online_parameters = list(online.parameters())
    with torch.no_grad():
        for i in range(len(online_parameters) - 2):
            target_parameters[i].copy_(online_parameters[i])
