"""build_dqn2013_network gives the first convolution stride 2 instead of 4 (and sizes the flattened
features to match): it runs, but the feature maps are 39x39 and 18x18 instead of 20x20 and 9x9, and
the first fully connected layer has four times the weights of the paper's."""

CAUGHT_BY = ["test_build_dqn2013_network"]


def build_dqn2013_network(num_actions, history_length=4):
    return nn.Sequential(
        OrderedDict(
            [
                ("scale", ScaleFrames()),
                (
                    "features",
                    nn.Sequential(
                        nn.Conv2d(history_length, 16, kernel_size=8, stride=2),
                        nn.ReLU(),
                        nn.Conv2d(16, 32, kernel_size=4, stride=2),
                        nn.ReLU(),
                        nn.Flatten(),
                    ),
                ),
                ("head", nn.Sequential(nn.Linear(32 * 18 * 18, 256), nn.ReLU(), nn.Linear(256, num_actions))),
            ]
        )
    )
