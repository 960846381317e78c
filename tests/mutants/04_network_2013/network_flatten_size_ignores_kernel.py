"""build_dqn2013_network sizes the first fully connected layer as if only the strides shrank the image
(84 / 4 = 21, 21 / 2 = 10): nn.Linear(32 * 10 * 10, 256) expects 3,200 inputs where the convolutions
give 32 * 9 * 9 = 2,592, and the forward pass fails."""

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
                ("head", nn.Sequential(nn.Linear(32 * 10 * 10, 256), nn.ReLU(), nn.Linear(256, num_actions))),
            ]
        )
    )
