"""build_dqn2013_network feeds the pixels as 0..255 floats, without dividing by 255 (its first part only
converts to float): the first layer's activations are 255 times too large, and the untrained network's
Q-values are far from zero (training then starts from huge, unstable targets)."""

CAUGHT_BY = ["test_build_dqn2013_network"]


def build_dqn2013_network(num_actions, history_length=4):
    class ToFloat(nn.Module):
        def forward(self, frames):
            return frames.float()

    return nn.Sequential(
        OrderedDict(
            [
                ("scale", ToFloat()),
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
                ("head", nn.Sequential(nn.Linear(32 * 9 * 9, 256), nn.ReLU(), nn.Linear(256, num_actions))),
            ]
        )
    )
