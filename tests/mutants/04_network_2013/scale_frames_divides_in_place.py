"""ScaleFrames divides the frames it is given in place (frames.div_(255)) to save a copy: on the uint8
frames the agent stores, PyTorch refuses to write fractions into a uint8 tensor, and if it could, the
frames in the replay memory would be overwritten."""

CAUGHT_BY = ["test_forward"]


class ScaleFrames(nn.Module):
    def forward(self, frames):
        return frames.div_(255)
