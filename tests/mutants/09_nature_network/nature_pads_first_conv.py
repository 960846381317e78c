"""build_nature_network pads the first convolution by one pixel of zeros, as DeepMind's released code
(convnet.lua) does: the shapes (84 -> 20 -> 9 -> 7) and the parameter count are the same, but every
window of the first layer moves one pixel up and left, so the Q-values differ from the reference's."""

CAUGHT_BY = ["test_build_nature_network"]


def build_nature_network(num_actions, history_length=4):
    return nn.Sequential(
        OrderedDict(
            [
                ("scale", ScaleFrames()),
                (
                    "features",
                    nn.Sequential(
                        nn.Conv2d(history_length, 32, kernel_size=8, stride=4, padding=1),
                        nn.ReLU(),
                        nn.Conv2d(32, 64, kernel_size=4, stride=2),
                        nn.ReLU(),
                        nn.Conv2d(64, 64, kernel_size=3, stride=1),
                        nn.ReLU(),
                        nn.Flatten(),
                    ),
                ),
                (
                    "head",
                    nn.Sequential(
                        nn.Linear(64 * 7 * 7, 512),
                        nn.ReLU(),
                        nn.Linear(512, num_actions),
                    ),
                ),
            ]
        )
    )
