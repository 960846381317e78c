"""ScaleFrames converts the pixels to float64 (frames.double(), or numpy's default) instead of float32:
the network's float32 weights then refuse the input, and a float64 copy of the frames takes twice
the memory."""

CAUGHT_BY = ["test_forward"]


class ScaleFrames(nn.Module):
    def forward(self, frames):
        return frames.double() / 255.0
