"""build_dqn2013_network pads the first convolution by one pixel, as DeepMind's released code does for
its Nature network: the shapes (84 -> 20 -> 9) and the weights are the same, but every window of the
first layer moves one pixel up and left, so the Q-values differ from the paper's unpadded network's."""

CAUGHT_BY = ["test_build_dqn2013_network"]


def build_dqn2013_network(num_actions, history_length=4):
    return nn.Sequential(
        OrderedDict(
            [
                ("scale", ScaleFrames()),
                (
                    "features",
                    nn.Sequential(
                        nn.Conv2d(history_length, 16, kernel_size=8, stride=4, padding=1),
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
