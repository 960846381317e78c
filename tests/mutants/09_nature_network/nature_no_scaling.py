"""build_nature_network converts the uint8 frames to float but does not divide by 255: the layers see
inputs 255 times larger than the reference network does, so the same weights give other Q-values (and
training starts with huge activations)."""

CAUGHT_BY = ["test_build_nature_network"]


def build_nature_network(num_actions, history_length=4):
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
                        nn.Conv2d(history_length, 32, kernel_size=8, stride=4),
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
