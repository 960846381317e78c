"""The DQN update recorded once as a CUDA graph and replayed (Chapter 12, the fast path).

The Nature CNN's update on a batch of 32 is a few dozen small GPU kernels; launched one by one from
Python, the launches take longer than the arithmetic. A CUDA graph records the kernels of one call of
`update.update_step` (the very function the plain engine calls) and replays them with one launch. The
inputs are copied into fixed tensors first, because a graph always reads the same addresses.

On a CPU there is nothing to record: the same `update_step` runs on the same fixed tensors, so the
CPU path exercises all of this module except the recording itself.
"""

from __future__ import annotations

from contextlib import contextmanager

import torch
from torch import nn

from dqn_tutorial.update import TensorBatch, update_step


class GraphedUpdate:
    """Call with a TensorBatch on the device to make one SGD update; sums loss and Q on the device."""

    def __init__(
        self,
        online: nn.Module,
        target: nn.Module | None,
        optimizer: torch.optim.Optimizer,
        gamma: float,
        loss,
        batch_size: int,
        observation_shape: tuple[int, ...],
        device: torch.device | str,
        use_graph: bool | None = None,
    ):
        self.online, self.target, self.optimizer = online, target, optimizer
        self.gamma, self.loss = gamma, loss
        self.device = torch.device(device)
        self.use_graph = self.device.type == "cuda" if use_graph is None else use_graph

        def zeros(*shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
            return torch.zeros(shape, dtype=dtype, device=self.device)

        self.batch = TensorBatch(
            observations=zeros(batch_size, *observation_shape, dtype=torch.uint8),
            actions=zeros(batch_size, dtype=torch.int64),
            rewards=zeros(batch_size),
            next_observations=zeros(batch_size, *observation_shape, dtype=torch.uint8),
            terminals=zeros(batch_size),
        )
        # Running sums read only when a log row is written: reading them every update would make the
        # host wait for the GPU each time.
        self.loss_sum, self.q_sum, self.count = zeros(), zeros(), 0
        self.graph: torch.cuda.CUDAGraph | None = None

    def _step(self) -> None:
        loss, q_mean = update_step(self.online, self.target, self.optimizer, self.batch, self.gamma, self.loss)
        self.loss_sum += loss
        self.q_sum += q_mean

    def __call__(self, batch: TensorBatch) -> None:
        for name in ("observations", "actions", "rewards", "next_observations", "terminals"):
            getattr(self.batch, name).copy_(getattr(batch, name), non_blocking=True)
        if self.use_graph and self.graph is None:
            self._record()
        if self.graph is not None:
            self.graph.replay()
        else:
            self._step()
        self.count += 1

    def take_means(self) -> tuple[float, float]:
        """Mean loss and Q(s, a) since the last call (this is where the host waits for the GPU)."""
        if not self.count:
            return float("nan"), float("nan")
        means = (float(self.loss_sum) / self.count, float(self.q_sum) / self.count)
        self.loss_sum.zero_()
        self.q_sum.zero_()
        self.count = 0
        return means

    def _record(self) -> None:
        """Warm up on a side stream (as CUDA graphs require), undo the warm-up's changes, then record.

        Warm-up and recording use the same stream, so the math libraries' per-stream handles and
        workspaces are created during the warm-up, never in the middle of a recording.
        """
        side = torch.cuda.Stream(self.device)
        with restored_in_place(self.online, self.optimizer, [self.loss_sum, self.q_sum]):
            side.wait_stream(torch.cuda.current_stream(self.device))
            with torch.cuda.stream(side):
                for _ in range(3):
                    self._step()
            torch.cuda.current_stream(self.device).wait_stream(side)
        self.optimizer.zero_grad(set_to_none=True)  # gradients are then allocated inside the graph's pool
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph, stream=side):
            self._step()


@contextmanager
def restored_in_place(network: nn.Module, optimizer: torch.optim.Optimizer, extras: list[torch.Tensor]):
    """Whatever the body does to the weights, the optimizer's state and `extras`, put them back after.

    In place, tensor by tensor: a recorded graph is tied to these tensors' addresses, so they must stay
    the same objects. State the optimizer creates in the body (its first step) is reset to zeros,
    which is what a fresh optimizer starts from (Adam's step count included).
    """
    parameters = list(network.parameters())
    saved_parameters = [p.detach().clone() for p in parameters]
    saved_state = {
        p: {k: v.clone() for k, v in optimizer.state[p].items() if torch.is_tensor(v)}
        for p in parameters
        if optimizer.state.get(p)
    }
    saved_extras = [t.clone() for t in extras]
    yield
    with torch.no_grad():
        for parameter, saved in zip(parameters, saved_parameters):
            parameter.copy_(saved)
        for parameter in parameters:
            for key, value in optimizer.state.get(parameter, {}).items():
                if not torch.is_tensor(value):
                    continue
                if parameter in saved_state:
                    value.copy_(saved_state[parameter][key])
                else:
                    value.zero_()
        for tensor, saved in zip(extras, saved_extras):
            tensor.copy_(saved)
