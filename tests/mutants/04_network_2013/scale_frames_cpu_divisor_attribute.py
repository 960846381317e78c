"""ScaleFrames keeps its divisor as a plain tensor attribute (self.divisor = torch.full((1,), 255.0)), to
stay clear of parameters and buffers: the values are right on the CPU, but a plain attribute does not
move with network.to(device), so on a GPU the division mixes a CUDA tensor with a CPU one and fails."""

CAUGHT_BY = ["test_forward"]


class ScaleFrames(nn.Module):
    def __init__(self):
        super().__init__()
        self.divisor = torch.full((1,), 255.0)

    def forward(self, frames):
        return frames.float() / self.divisor
