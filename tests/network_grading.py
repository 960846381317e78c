"""Checks shared by the graders of Chapters 4 and 9: a learner's Q-network against the reference's.

The training code (`dqn_tutorial.networks.build_network`) calls the learner's `build_dqn2013_network` /
`build_nature_network` in place of the reference's, so the network must be what it expects: an
nn.Sequential with the named parts scale / features / head (checkpoints store the weights under these
names), the paper's layers, created in the order the data goes through them (the same initial weights
as the reference under the same seed), and the same Q-values, bit for bit, as the reference. The
Q-values are also checked against the forward pass written out here with torch.nn.functional, from
the paper's layer list, and the scaling against numpy's float32 division. The network must also come
back in training mode, give the same Q-values for two identical calls (no random layer), leave its
frames, weights and mode as they were after a forward pass, and work on the device its caller chooses:
built inside `with torch.device("meta")` (shapes without values, so this runs on any machine; and on
CUDA when there is a GPU), its weights and its Q-values must be on that device.
"""

from __future__ import annotations

from types import ModuleType, SimpleNamespace

# The first operation on the meta device imports torch._dynamo, and that import replaces torch.manual_seed
# (with a wrapper): imported here, before any learner code runs, so that the sandbox's record of torch's
# functions is taken after that change, and the change is not taken for the learner's.
import numpy as np
import torch
import torch._dynamo  # noqa: F401
import torch.nn.functional as F
from torch import nn

from checks import assert_inputs_unchanged, fail_on_device_error, run_catching_device_errors, snapshot
from grading import assert_matches, assert_type, call, fail

PARTS = ["scale", "features", "head"]


def _forward(module: nn.Module, frames: torch.Tensor) -> torch.Tensor:
    return module(frames)


def _forward_on_device(module: nn.Module, frames: torch.Tensor):
    """The forward pass on frames on another device; a device error is returned (a DeviceError), not raised."""
    return run_catching_device_errors(lambda: module(frames))


def _build_on_device(device: str, exercises: ModuleType, name: str, *arguments):
    """The learner's builder called inside `with torch.device(device)`, as a caller builds a network there; a
    device error is returned (a DeviceError), not raised."""

    def build():
        with torch.device(device):
            return getattr(exercises, name)(*arguments)

    return run_catching_device_errors(build)


# `call` needs a module-like object: the learner's network is run through this one, so that an error
# inside its forward pass becomes a readable failure instead of a crash of the grader.
RUN = SimpleNamespace(forward=_forward, forward_on_device=_forward_on_device, build_on_device=_build_on_device)


def scaled_by_numpy(frames: torch.Tensor) -> torch.Tensor:
    """The oracle of ScaleFrames: uint8 -> float32 / 255 by numpy (IEEE division, correctly rounded)."""
    return torch.from_numpy(np.asarray(frames.numpy(), dtype=np.float32) / np.float32(255.0))


def all_pixel_values() -> torch.Tensor:
    """Every uint8 value once, as a (1, 4, 8, 8) batch."""
    return torch.arange(256, dtype=torch.int32).to(torch.uint8).reshape(1, 4, 8, 8)


def describe_layer(layer: nn.Module) -> str:
    if isinstance(layer, nn.Conv2d):
        extra = "" if tuple(layer.padding) == (0, 0) else f", padding={layer.padding[0]}"
        extra += "" if layer.bias is not None else ", bias=False"
        return (
            f"Conv2d({layer.in_channels}, {layer.out_channels}, kernel_size={layer.kernel_size[0]}, "
            f"stride={layer.stride[0]}{extra})"
        )
    if isinstance(layer, nn.Linear):
        return f"Linear({layer.in_features}, {layer.out_features}{'' if layer.bias is not None else ', bias=False'})"
    return f"{type(layer).__name__}()"


def _types(layers: list[nn.Module]) -> list[str]:
    return [type(layer).__name__ for layer in layers]


def _layer_hint(part: str, got: list[nn.Module], expected: list[nn.Module], conv_sizes: list[int]) -> str:
    """A pointed hint for the first difference between two lists of layers."""
    got_types, expected_types = _types(got), _types(expected)
    random_layers = [kind for kind in got_types if "Dropout" in kind]
    if random_layers:
        return (
            f"a {random_layers[0]} layer: the papers' networks have none, and it makes the Q-values random "
            "(two identical calls give different outputs, in training mode) and the targets noisy"
        )
    if part == "head" and got_types == expected_types + ["ReLU"]:
        return (
            "a ReLU after the output layer: Q-values could then never be negative; only the hidden layers "
            "are followed by a ReLU"
        )
    if got_types.count("Conv2d") != expected_types.count("Conv2d"):
        return (
            f"{expected_types.count('Conv2d')} convolutions were expected in `features`, "
            f"got {got_types.count('Conv2d')}"
        )
    if got_types.count("ReLU") < expected_types.count("ReLU"):
        which = "the hidden fully connected layer is" if part == "head" else "every convolution is"
        return f"a ReLU is missing: {which} followed by one (without it two linear maps in a row collapse into one)"
    if got_types != expected_types:
        return (
            f"`{part}` holds, in order: "
            + ", ".join(expected_types)
            + " (nn.Flatten() ends `features`, so that `head` receives one vector per stack)"
        )
    for index, (mine, theirs) in enumerate(zip(got, expected)):
        if isinstance(theirs, nn.Conv2d) and describe_layer(mine) != describe_layer(theirs):
            number = sum(isinstance(layer, nn.Conv2d) for layer in expected[:index]) + 1
            if mine.in_channels != theirs.in_channels:
                return (
                    f"convolution {number} takes {mine.in_channels} input channels instead of {theirs.in_channels}"
                    + (" (history_length: one channel per stacked frame)" if number == 1 else "")
                )
            if tuple(mine.padding) != (0, 0):
                return f"convolution {number} pads its input: the papers' networks use no padding (padding=0)"
            if mine.bias is None:
                return f"convolution {number} has no bias: every layer has one"
            return (
                f"convolution {number} should be {describe_layer(theirs)}: check its number of filters, "
                f"kernel size and stride"
            )
        if isinstance(theirs, nn.Linear) and describe_layer(mine) != describe_layer(theirs):
            if mine.in_features != theirs.in_features:
                side = conv_sizes[-1]
                channels = theirs.in_features // (side * side)
                sizes = " -> ".join(str(size) for size in conv_sizes)
                return (
                    f"the first fully connected layer takes {mine.in_features} inputs, but the last convolution "
                    f"gives {channels} maps of {side} x {side} = {theirs.in_features} values (sides {sizes}): "
                    f"size it with conv_output_size"
                )
            if mine.bias is None:
                return "a fully connected layer has no bias: every layer has one"
            return (
                f"the fully connected layers should be {describe_layer(expected[0])} then "
                f"{describe_layer(expected[-1])}: check the number of hidden units and of outputs (num_actions)"
            )
    return "compare your layers with the expected list"


def functional_q_values(network: nn.Module, frames: torch.Tensor, strides: list[int]) -> torch.Tensor:
    """The paper's forward pass written out with torch.nn.functional, with the network's own weights."""
    state = network.state_dict()
    x = scaled_by_numpy(frames)
    for index, stride in enumerate(strides):
        weight, bias = state[f"features.{2 * index}.weight"], state[f"features.{2 * index}.bias"]
        x = F.relu(F.conv2d(x, weight, bias, stride=stride))
    x = F.relu(F.linear(x.flatten(1), state["head.0.weight"], state["head.0.bias"]))
    return F.linear(x, state["head.2.weight"], state["head.2.bias"])


def check_network(
    ex: ModuleType,
    name: str,
    arguments: tuple,
    inputs: str,
    reference: nn.Module,
    seed: int,
    stacks: np.ndarray,
    strides: list[int],
    scale_hint: str,
) -> None:
    """Build the learner's network under torch.manual_seed(seed) and judge it against `reference`, which
    was built under the same seed. `stacks`: real (B, history_length, 84, 84) uint8 frame stacks."""
    torch.manual_seed(seed)
    network = call(ex, name, *arguments, inputs=inputs)
    assert_type(
        network,
        nn.Module,
        what=name,
        inputs=inputs,
        hint="return the network itself (an nn.Sequential), not its output",
    )

    # 1. the named parts that checkpoints use
    parts = dict(network.named_children())
    if list(parts) != PARTS:
        fail(
            f"{name}: the network's parts are not named scale, features, head",
            inputs=inputs,
            expected="an nn.Sequential whose children are named " + ", ".join(PARTS),
            got=f"children named {list(parts)}" if parts else f"a {type(network).__name__} without child modules",
            hint='nn.Sequential(OrderedDict([("scale", ScaleFrames()), ("features", nn.Sequential(...)), '
            '("head", nn.Sequential(...))])): the training code saves and loads the weights under these '
            "names (features.0.weight, ..., head.2.bias), so that a checkpoint of your network loads into the "
            "reference's and back",
        )

    # 2. the scale part: no parameters or buffers, frames / 255 exactly
    stored = list(parts["scale"].state_dict())
    if stored:
        fail(
            f"{name}: the scale part has parameters or buffers: {stored}",
            inputs=inputs,
            expected="no parameters, no buffers (nothing to learn, nothing to save)",
            got=str(stored),
            hint="255 is a plain Python number in the division; a parameter would be trained, and either "
            "would add entries to every checkpoint",
        )
    for frames, what in [
        (all_pixel_values(), "every uint8 value 0..255"),
        (torch.from_numpy(stacks[:2].copy()), f"2 real Breakout stacks {stacks[:2].shape}"),
    ]:
        case = f"{inputs}; the scale part on {what}"
        got = call(RUN, "forward", parts["scale"], frames.clone(), inputs=case)
        assert_matches(
            got,
            scaled_by_numpy(frames),
            what="the output of the scale part",
            inputs=case,
            atol=0,
            rtol=0,
            hint=scale_hint,
        )

    # 3. the layers of features and head
    conv_sizes = [84]
    for layer in reference.features.children():
        if isinstance(layer, nn.Conv2d):
            conv_sizes.append((conv_sizes[-1] - layer.kernel_size[0]) // layer.stride[0] + 1)
    for part in PARTS[1:]:
        got_layers, expected_layers = list(parts[part].children()), list(getattr(reference, part).children())
        got = [describe_layer(layer) for layer in got_layers]
        expected = [describe_layer(layer) for layer in expected_layers]
        if got != expected:
            fail(
                f"{name}: the layers of `{part}` are not the paper's",
                inputs=inputs,
                expected=", ".join(expected),
                got=", ".join(got) or "no layers",
                hint=_layer_hint(part, got_layers, expected_layers, conv_sizes),
            )
    frozen = [key for key, parameter in network.named_parameters() if not parameter.requires_grad]
    if frozen:
        fail(
            f"{name}: some parameters are frozen (requires_grad=False): {frozen}",
            inputs=inputs,
            hint="leave every parameter trainable",
        )

    # 4. the initial weights: the same layers created in the same order draw the same random numbers
    mine, theirs = network.state_dict(), reference.state_dict()
    if list(mine) != list(theirs):
        fail(
            f"{name}: the weights are not stored under the reference's names",
            inputs=inputs,
            expected=", ".join(theirs),
            got=", ".join(mine),
            hint="the parts scale, features and head, in that order",
        )
    different = [key for key in theirs if not torch.equal(mine[key], theirs[key])]
    if different:
        fail(
            f"{name}: the initial weights differ from the reference's, built after the same torch.manual_seed({seed})",
            inputs=inputs,
            details=f"different tensors: {different}",
            hint="create the layers in the order the data goes through them (first convolution first, output "
            "layer last), each once, and leave PyTorch's initialisation as it is: each layer draws its "
            "weights from torch's global generator when it is created, so another order starts from other "
            "weights, and a training run with your network would not repeat the reference's run",
        )

    # 4b. the mode: a new module is in training mode; the caller switches it (evaluation does, and switches back)
    evaluating = [key or "the network itself" for key, module in network.named_modules() if not module.training]
    if evaluating:
        fail(
            f"{name} returned a network in evaluation mode",
            inputs=inputs,
            expected="training mode (module.training True for the network and every part), as PyTorch creates "
            "every new module",
            got=f"training False for: {', '.join(evaluating[:4])}{' ...' if len(evaluating) > 4 else ''}",
            hint="do not call .eval() (or .train(False)) while building: the caller chooses the mode (the "
            "evaluation code calls .eval() and then restores the mode it found), and torch.no_grad(), not "
            ".eval(), is what turns gradients off",
        )

    # 5. the Q-values: the same for two identical calls; the reference's, bit for bit, and the paper's layers
    # computed by hand; neither the frames nor the network changed by a forward pass
    history = stacks.shape[1]
    frames = torch.from_numpy(np.ascontiguousarray(stacks))
    case = f"{inputs}; input: {len(stacks)} real Breakout stacks uint8 {stacks.shape}, twice"
    first = call(RUN, "forward", network, frames.clone(), inputs=case)
    second = call(RUN, "forward", network, frames.clone(), inputs=case)
    if (
        isinstance(first, torch.Tensor)
        and isinstance(second, torch.Tensor)
        and first.shape == second.shape
        and not torch.equal(first, second)
    ):
        gap = float((first.detach().double() - second.detach().double()).abs().max())
        fail(
            "your network's outputs change between two identical calls: a random layer?",
            inputs=case,
            expected="the same Q-values for the same frames (in training mode too)",
            got=f"Q-values differing by up to {gap:.3g} between the two calls",
            hint="a dropout (nn.Dropout, F.dropout) or noise in the forward pass: the papers' networks are "
            "deterministic, and random Q-values would make the greedy action and the TD targets noisy",
        )
    random_stacks = np.random.default_rng(seed).integers(0, 256, size=(5, history, 84, 84), dtype=np.uint8)
    for frames, what in [
        (stacks, f"{len(stacks)} real Breakout stacks uint8 {stacks.shape}"),
        (stacks[:1], f"1 real Breakout stack uint8 {stacks[:1].shape}"),
        (random_stacks, f"5 random uint8 stacks {random_stacks.shape}, pixels 0..255"),
    ]:
        case = f"{inputs}; input: {what}"
        frames = torch.from_numpy(np.ascontiguousarray(frames))
        expected = reference(frames.clone())
        given = frames.clone()
        before = snapshot(network)
        got = call(RUN, "forward", network, given, inputs=case)
        if not torch.equal(given, frames):
            fail(
                "your network changed the frames it was given",
                inputs=case,
                hint="convert to float into a new tensor, never in place: the same frames sit in the replay memory",
            )
        assert_inputs_unchanged("the forward pass of your network", network=(before, network))
        assert_matches(
            got,
            expected,
            what="Q-values of your network",
            inputs=case,
            atol=1e-5,
            rtol=1e-5,
            hint="one float32 row of num_actions Q-values per stack, computed by the parts in order: "
            "scale, features, head",
        )
        assert_matches(
            got,
            expected,
            what="Q-values of your network (bit for bit)",
            inputs=case,
            atol=0,
            rtol=0,
            hint="the same layers in the same order give exactly the reference's numbers: compute them "
            "with the parts of the network only, in order",
        )
        with torch.no_grad():
            by_hand = functional_q_values(network, frames, strides)
        assert_matches(
            got.detach(),
            by_hand,
            what="Q-values of your network, against the paper's layers computed with torch.nn.functional",
            inputs=case,
            atol=1e-5,
            rtol=1e-5,
        )

    # 6. the device: built inside `with torch.device(...)`, every weight is there, and so are the Q-values
    num_actions = int(reference(torch.from_numpy(np.ascontiguousarray(stacks[:1]))).shape[1])
    for device in ["meta"] + (["cuda"] if torch.cuda.is_available() else []):
        check_device(ex, name, arguments, inputs, device, history, num_actions)


def check_device(
    ex: ModuleType, name: str, arguments: tuple, inputs: str, device: str, history: int, num_actions: int
) -> None:
    """Build the learner's network inside `with torch.device(device)` and run it on frames on that device:
    "meta" tensors have a shape and a dtype but no values, so this runs on any machine, and a tensor or layer
    pinned to the CPU shows up as an error (or a result on the CPU)."""
    case = f"{inputs}; built inside `with torch.device({device!r})`"
    network = call(RUN, "build_on_device", device, ex, name, *arguments, inputs=case)
    fail_on_device_error(f"{name}, called inside `with torch.device({device!r})`,", network, case)
    assert_type(network, nn.Module, what=name, inputs=case, hint="return the network itself (an nn.Sequential)")
    elsewhere = [
        f"{key} on {tensor.device}"
        for key, tensor in [*network.named_parameters(), *network.named_buffers()]
        if tensor.device.type != device
    ]
    if elsewhere:
        fail(
            f"{name} puts weights on a fixed device instead of the caller's",
            inputs=case,
            expected=f"every parameter on {device}",
            got=", ".join(elsewhere[:4]),
            hint="create the layers without a device=... and do not move them (.to(...), .cpu(), .cuda()): the "
            "caller chooses the device",
        )
    frames = torch.zeros(2, history, 84, 84, dtype=torch.uint8, device=device)
    case = f"{case}; input: 2 uint8 stacks (2, {history}, 84, 84) on {device}"
    got = call(RUN, "forward_on_device", network, frames, inputs=case)
    fail_on_device_error("the forward pass of your network", got, case)
    assert_type(got, torch.Tensor, what="the output of your network", inputs=case, hint="return the Q-values tensor")
    if got.device.type != device:
        fail(
            f"your network returned Q-values on {got.device} for frames on {device}",
            inputs=case,
            hint="compute everything on the frames' device: a tensor created on the CPU in the forward pass, or "
            "a round trip through numpy, takes the data off the GPU",
        )
    if tuple(got.shape) != (2, num_actions) or got.dtype != torch.float32:
        fail(
            "your network's output on another device has the wrong shape or dtype",
            inputs=case,
            expected=f"float32 of shape (2, {num_actions})",
            got=f"{got.dtype} of shape {tuple(got.shape)}",
        )
