"""The fast engine's update must be the plain update: same batch in, same weights out."""

import copy
from contextlib import contextmanager

import pytest
import torch

from dqn_tutorial.fast.engine import gpu_settings
from dqn_tutorial.fast.update import GraphedUpdate
from dqn_tutorial.losses import LOSSES
from dqn_tutorial.networks import NatureNetwork
from dqn_tutorial.optimizers import make_optimizer
from dqn_tutorial.target_network import make_target_network
from dqn_tutorial.update import TensorBatch, update_step


def random_batch(generator, size=8, device="cpu"):
    def frames():
        return torch.randint(0, 256, (size, 4, 84, 84), dtype=torch.uint8, generator=generator)

    return TensorBatch(
        frames(),
        torch.randint(0, 4, (size,), generator=generator),
        torch.randn(size, generator=generator),
        frames(),
        (torch.rand(size, generator=generator) < 0.3).float(),
    )


def twin_agents(optimizer_name, with_target, device):
    torch.manual_seed(0)
    online = NatureNetwork(4).to(device)
    agents = []
    for _ in range(2):
        net = copy.deepcopy(online)
        target = make_target_network(net) if with_target else None
        agents.append(
            (net, target, make_optimizer(optimizer_name, net.parameters(), 1e-3, 8, capturable=device == "cuda"))
        )
    return agents


def run_both(optimizer_name, with_target, loss, device, use_graph):
    (plain_net, plain_target, plain_opt), (fast_net, fast_target, fast_opt) = twin_agents(
        optimizer_name, with_target, device
    )
    fast = GraphedUpdate(
        fast_net, fast_target, fast_opt, 0.99, LOSSES[loss], 8, (4, 84, 84), device, use_graph=use_graph
    )
    generator = torch.Generator().manual_seed(1)
    plain_losses = []
    for _ in range(4):
        batch = random_batch(generator)
        batch = TensorBatch(*(getattr(batch, name).to(device) for name in batch.__dataclass_fields__))
        loss_value, _ = update_step(plain_net, plain_target, plain_opt, batch, 0.99, LOSSES[loss])
        plain_losses.append(float(loss_value))
        fast(batch)
    mean_loss, _ = fast.take_means()
    return plain_net, fast_net, plain_losses, mean_loss


@pytest.mark.parametrize("optimizer_name", ["rmsprop", "adam"])
@pytest.mark.parametrize("with_target,loss", [(True, "huber"), (False, "mse")])
def test_fast_update_equals_plain_update_on_cpu(optimizer_name, with_target, loss):
    plain_net, fast_net, plain_losses, mean_loss = run_both(optimizer_name, with_target, loss, "cpu", use_graph=False)
    for name, a in plain_net.state_dict().items():
        assert torch.equal(a, fast_net.state_dict()[name]), f"{name} differs after 4 updates"
    assert mean_loss == pytest.approx(sum(plain_losses) / 4, rel=1e-6)


@contextmanager
def torch_settings_restored():
    """Whatever the body sets globally (cuDNN autotuning, TF32, CPU threads), put it back after."""
    saved = (
        torch.backends.cudnn.benchmark,
        torch.backends.cudnn.allow_tf32,
        torch.get_float32_matmul_precision(),
        torch.get_num_threads(),
    )
    try:
        yield
    finally:
        torch.backends.cudnn.benchmark, torch.backends.cudnn.allow_tf32 = saved[0], saved[1]
        torch.set_float32_matmul_precision(saved[2])
        torch.set_num_threads(saved[3])


def test_gpu_settings_change_nothing_on_a_cpu_and_the_right_things_on_cuda():
    """The fast engine's CUDA settings are flags, so both branches can be checked without a GPU."""
    with torch_settings_restored():
        torch.set_num_threads(2)  # so that a change to one thread shows
        before = (torch.backends.cudnn.benchmark, torch.get_float32_matmul_precision(), torch.get_num_threads())
        assert gpu_settings(torch.device("cpu")) == {}
        assert (torch.backends.cudnn.benchmark, torch.get_float32_matmul_precision(), torch.get_num_threads()) == before
        applied = gpu_settings(torch.device("cuda"))
        assert applied == {"cudnn_benchmark": True, "tf32": True, "torch_cpu_threads": 1}
        assert torch.backends.cudnn.benchmark and torch.backends.cudnn.allow_tf32
        assert torch.get_float32_matmul_precision() == "high" and torch.get_num_threads() == 1
        gpu_settings(torch.device("cuda"), num_threads=2)  # config.num_threads set: left to the Trainer
        assert torch.get_num_threads() == 1


@pytest.mark.skipif(not torch.cuda.is_available(), reason="recording a CUDA graph needs a CUDA GPU")
@pytest.mark.parametrize("settings", ["pytorch_defaults", "fast_engine"])
@pytest.mark.parametrize("optimizer_name", ["rmsprop", "adam"])
def test_cuda_graph_update_equals_plain_update(optimizer_name, settings):
    """Graphed against ungraphed, both under the same global settings: PyTorch's defaults, then the
    ones the fast engine runs with on a GPU (cuDNN autotuning, TF32 matrix products: gpu_settings)."""
    with torch_settings_restored():
        if settings == "fast_engine":
            gpu_settings(torch.device("cuda"))
        plain_net, fast_net, plain_losses, mean_loss = run_both(optimizer_name, True, "huber", "cuda", use_graph=True)
    for name, a in plain_net.state_dict().items():
        torch.testing.assert_close(fast_net.state_dict()[name], a, rtol=1e-4, atol=1e-6, msg=f"{name} differs")
    assert mean_loss == pytest.approx(sum(plain_losses) / 4, rel=1e-4)


@pytest.mark.parametrize("optimizer_name", ["rmsprop", "adam"])
@pytest.mark.parametrize("fresh", [True, False])
def test_warm_up_is_undone_in_place(optimizer_name, fresh):
    """Recording a graph first runs warm-up updates; they must leave no trace, and no tensor may move."""
    from dqn_tutorial.fast.update import restored_in_place

    (net, target, optimizer), (twin, twin_target, twin_optimizer) = twin_agents(optimizer_name, True, "cpu")
    generator = torch.Generator().manual_seed(3)
    batches = [random_batch(generator) for _ in range(5)]
    if not fresh:
        for agent in ((net, target, optimizer), (twin, twin_target, twin_optimizer)):
            update_step(*agent, batches[0], 0.99, LOSSES["huber"])
    total = torch.zeros(())
    addresses = [p.data_ptr() for p in net.parameters()]
    with restored_in_place(net, optimizer, [total]):
        for batch in batches[1:4]:
            loss, _ = update_step(net, target, optimizer, batch, 0.99, LOSSES["huber"])
            total += loss
    assert [p.data_ptr() for p in net.parameters()] == addresses
    assert float(total) == 0.0
    # From here the warmed-up agent must behave exactly like its twin that never warmed up.
    update_step(net, target, optimizer, batches[4], 0.99, LOSSES["huber"])
    update_step(twin, twin_target, twin_optimizer, batches[4], 0.99, LOSSES["huber"])
    for name, value in twin.state_dict().items():
        assert torch.equal(net.state_dict()[name], value), name
