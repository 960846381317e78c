"""build_nature_network creates every layer with device="cpu", to be explicit: the Q-values are right,
but the caller's device (`with torch.device("cuda")`, or "meta" to size a network without memory) is
ignored, and the weights always land in CPU memory."""

CAUGHT_BY = ["test_build_nature_network"]


def build_nature_network(num_actions, history_length=4):
    import torch

    cpu = torch.device("cpu")
    return nn.Sequential(
        OrderedDict(
            [
                ("scale", ScaleFrames()),
                (
                    "features",
                    nn.Sequential(
                        nn.Conv2d(history_length, 32, kernel_size=8, stride=4, device=cpu),
                        nn.ReLU(),
                        nn.Conv2d(32, 64, kernel_size=4, stride=2, device=cpu),
                        nn.ReLU(),
                        nn.Conv2d(64, 64, kernel_size=3, stride=1, device=cpu),
                        nn.ReLU(),
                        nn.Flatten(),
                    ),
                ),
                (
                    "head",
                    nn.Sequential(
                        nn.Linear(64 * 7 * 7, 512, device=cpu), nn.ReLU(), nn.Linear(512, num_actions, device=cpu)
                    ),
                ),
            ]
        )
    )
