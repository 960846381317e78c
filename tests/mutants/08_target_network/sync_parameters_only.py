"""sync_target copies every parameter (weights and biases) but not the buffers: complete for the DQN
networks, which have none, but a network with batch norm keeps the target's old running statistics and
computes something the online network no longer does."""

CAUGHT_BY = ["test_sync_target"]


def sync_target(target, online):
    with torch.no_grad():
        for target_parameter, online_parameter in zip(target.parameters(), online.parameters()):
            target_parameter.copy_(online_parameter)
