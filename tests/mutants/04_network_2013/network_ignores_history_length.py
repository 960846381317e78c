"""build_dqn2013_network hard-codes 4 input channels and ignores `history_length`: right for the papers'
4-frame stacks, wrong (a crash on the first forward pass) for any other history length."""

CAUGHT_BY = ["test_build_dqn2013_network"]


def build_dqn2013_network(num_actions, history_length=4):
    return nn.Sequential(
        OrderedDict(
            [
                ("scale", ScaleFrames()),
                (
                    "features",
                    nn.Sequential(
                        nn.Conv2d(4, 16, kernel_size=8, stride=4),
                        nn.ReLU(),
                        nn.Conv2d(16, 32, kernel_size=4, stride=2),
                        nn.ReLU(),
                        nn.Flatten(),
                    ),
                ),
                ("head", nn.Sequential(nn.Linear(32 * 9 * 9, 256), nn.ReLU(), nn.Linear(256, num_actions))),
            ]
        )
    )
