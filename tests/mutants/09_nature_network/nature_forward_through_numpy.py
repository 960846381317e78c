"""build_nature_network returns its own nn.Module whose forward first converts its input with
torch.as_tensor(np.asarray(frames)), so that numpy observations work too: the Q-values are right on the
CPU, but a tensor on a GPU cannot become a numpy array, so the network fails on the device it trains on."""

CAUGHT_BY = ["test_build_nature_network"]


def build_nature_network(num_actions, history_length=4):
    import numpy as np
    import torch

    class NatureDQN(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = ScaleFrames()
            self.features = nn.Sequential(
                nn.Conv2d(history_length, 32, kernel_size=8, stride=4),
                nn.ReLU(),
                nn.Conv2d(32, 64, kernel_size=4, stride=2),
                nn.ReLU(),
                nn.Conv2d(64, 64, kernel_size=3, stride=1),
                nn.ReLU(),
                nn.Flatten(),
            )
            self.head = nn.Sequential(nn.Linear(64 * 7 * 7, 512), nn.ReLU(), nn.Linear(512, num_actions))

        def forward(self, frames):
            frames = torch.as_tensor(np.asarray(frames))
            return self.head(self.features(self.scale(frames)))

    return NatureDQN()
