"""build_dqn2013_network uses a 512-unit hidden layer, the Nature 2015 size, where the 2013 paper has 256:
the network runs but has about twice the parameters of the one this chapter reproduces."""

CAUGHT_BY = ["test_build_dqn2013_network"]


def build_dqn2013_network(num_actions, history_length=4):
    return nn.Sequential(
        OrderedDict(
            [
                ("scale", ScaleFrames()),
                (
                    "features",
                    nn.Sequential(
                        nn.Conv2d(history_length, 16, kernel_size=8, stride=4),
                        nn.ReLU(),
                        nn.Conv2d(16, 32, kernel_size=4, stride=2),
                        nn.ReLU(),
                        nn.Flatten(),
                    ),
                ),
                ("head", nn.Sequential(nn.Linear(32 * 9 * 9, 512), nn.ReLU(), nn.Linear(512, num_actions))),
            ]
        )
    )
