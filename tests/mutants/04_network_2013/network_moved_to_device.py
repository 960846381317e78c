"""build_dqn2013_network picks a device itself and moves the network there (.to("cuda" if available else
"cpu")): the caller's choice (`with torch.device(...)`, or another GPU) is overridden, and a network built
on the meta device to size it without allocating cannot be built at all."""

CAUGHT_BY = ["test_build_dqn2013_network"]


def build_dqn2013_network(num_actions, history_length=4):
    size = conv_output_size(conv_output_size(84, 8, 4), 4, 2)
    network = nn.Sequential(
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
                ("head", nn.Sequential(nn.Linear(32 * size * size, 256), nn.ReLU(), nn.Linear(256, num_actions))),
            ]
        )
    )
    return network.to("cuda" if torch.cuda.is_available() else "cpu")
