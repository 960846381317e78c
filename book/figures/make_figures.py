"""The book's diagrams, drawn from the reference package (and the recorded run) so that they cannot disagree.

    python book/figures/make_figures.py               # rewrites book/figures/*.svg
    python book/figures/make_figures.py --png DIR     # and a PNG of each in DIR, to look at them
    python book/figures/make_figures.py --out DIR     # the SVGs into DIR instead (the test compares them)

- network_2013.svg, network_nature.svg (Chapters 4, 9): the layers of `build_dqn2013_network` and
  `build_nature_network`; the output sides come from `conv_output_size`, the parameter counts from
  `count_parameters` on the layers of the networks built here, and both are checked against a forward pass.
- training_loop.svg (Chapters 7, 12): `dqn.play_step`'s turn of the loop, with the nature2015 preset's values.
- replay_ring.svg (Chapter 5): a memory of 16 slots filled with Chapter 5's `add_transition`; which slots may
  be sampled comes from `is_valid_sample`, and the stacks shown from `stack_slots`.
- target_schedule.svg (Chapter 8): the updates and target syncs that `should_update` and `is_sync_step`
  give for the nature2015 preset.
- breakout_cpu_curve.svg (the landing page): the evaluations of the recorded CPU run on Breakout,
  book/data/breakout_cpu_evaluations.csv and breakout_cpu.json (random play), against agent steps.

Legible on a phone: every figure is 5 inches (360 pt) wide, with no text under 11.6 pt. The book shows it at
its natural width, 480 px, or narrower where the column is narrower: on a phone 390 px wide the column is
342 px, and the smallest text 11.6 * 342 / 360 = 11.0 px high. The figures are tall rather than wide.
Text stays text in the SVG (`svg.fonttype: none`), with fallbacks to the browser's fonts. Each figure is
checked before it is saved: no text below that size, leaving the figure, overlapping another text or
running out of its box. The output is deterministic (no date, fixed ids): rerunning the script changes a
file only when its drawing changed.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle, Wedge  # noqa: E402

REPOSITORY = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY))

from dqn_tutorial.config import get_preset  # noqa: E402
from dqn_tutorial.networks import (  # noqa: E402
    SCREEN_SIZE,
    build_dqn2013_network,
    build_nature_network,
    conv_output_size,
    count_parameters,
)
from dqn_tutorial.replay_memory import add_transition, empty_storage, is_valid_sample, stack_slots  # noqa: E402
from dqn_tutorial.schedules import is_sync_step, should_update  # noqa: E402

FIGURES = Path(__file__).resolve().parent
WIDTH = 5.0  # inches = 360 pt; the book shows it at most 480 px wide, 342 px on a 390 px phone
MIN_FONT = 11.6  # points, 11.0 px at 342 px
FONT = 12.5  # the headers and the tensors' shapes
NUM_ACTIONS = 4  # Breakout's action set (NOOP, FIRE, RIGHT, LEFT)
PRESET = get_preset("nature2015")

INK = "#222222"
MUTED = "#555555"
LINE = "#444444"
BLUE = "#d6e6f5"
ORANGE = "#fbe3c8"
GREEN = "#d5efd0"
GREY = "#e4e4e4"
PURPLE = "#e6dcf2"
RED = "#b2182b"

plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text (searchable, selectable, scales cleanly)
        "svg.hashsalt": "dqn-tutorial",  # fixed ids: the same drawing gives the same file
        "font.family": "sans-serif",
        # The SVG names these fonts in this order, then the browser's sans-serif. DejaVu Sans (matplotlib's
        # own, which lays the figures out) is among the widest, so a browser without it draws narrower text.
        "font.sans-serif": ["DejaVu Sans", "Bitstream Vera Sans", "Arial", "Helvetica", "Liberation Sans"],
        "font.size": FONT,
        "text.color": INK,
        "axes.edgecolor": LINE,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "hatch.color": "#777777",
        "hatch.linewidth": 0.8,
    }
)


# --------------------------------------------------------------------------------------- drawing helpers
def canvas(height: float, width: float = WIDTH):
    """A figure whose one axes maps data units to inches: (0, 0) bottom left, (width, height) top right."""
    figure = plt.figure(figsize=(width, height))
    axis = figure.add_axes((0, 0, 1, 1))
    axis.set_xlim(0, width)
    axis.set_ylim(0, height)
    axis.set_aspect("equal")
    axis.axis("off")
    return figure, axis


def box(axis, x, y, width, height, colour, edge=LINE, linewidth=1.0, radius=0.06, **kwargs):
    """A rounded box with its lower left corner at (x, y), in inches."""
    patch = FancyBboxPatch(
        (x + radius, y + radius),
        width - 2 * radius,
        height - 2 * radius,
        boxstyle=f"round,pad={radius}",
        facecolor=colour,
        edgecolor=edge,
        linewidth=linewidth,
        **kwargs,
    )
    axis.add_patch(patch)
    return patch


def arrow(axis, points, colour=LINE, linewidth=1.4):
    """An arrow along a polyline of (x, y) points, its head at the last point."""
    for start, end in zip(points[:-2], points[1:-1]):
        axis.plot([start[0], end[0]], [start[1], end[1]], color=colour, linewidth=linewidth)
    head = FancyArrowPatch(
        points[-2],
        points[-1],
        arrowstyle="-|>,head_length=0.6,head_width=0.3",
        mutation_scale=12,
        color=colour,
        linewidth=linewidth,
        shrinkA=0,
        shrinkB=0,
    )
    axis.add_patch(head)


def lines(axis, x, y, rows, spacing=0.2, ha="left", va="top", **kwargs):
    """Several lines of text, the first at y, each row a string or (string, dict of text options)."""
    artists = []
    for number, row in enumerate(rows):
        text, options = (row, {}) if isinstance(row, str) else row
        artists.append(axis.text(x, y - number * spacing, text, ha=ha, va=va, **{**kwargs, **options}))
    return artists


CONTAINED: dict[int, list] = {}  # id(figure) -> [(box, text), ...] for check_layout


def inside(patch, texts) -> None:
    """Ask check_layout to make sure these texts stay inside this box, with 4% of their width to spare."""
    CONTAINED.setdefault(id(patch.figure), []).extend((patch, text) for text in texts)


def check_layout(figure, name: str) -> None:
    """Fail if a text is set below MIN_FONT points, leaves the figure, overlaps another or leaves its box."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    texts = [t for t in figure.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]
    boxes = []
    for text in texts:
        if text.get_fontsize() < MIN_FONT:
            raise AssertionError(f"{name}: {text.get_text()!r} is set at {text.get_fontsize()} pt, below {MIN_FONT}")
        extent = text.get_window_extent(renderer)
        if min(extent.x0, extent.y0) < -0.5 or extent.x1 > frame.x1 + 0.5 or extent.y1 > frame.y1 + 0.5:
            raise AssertionError(f"{name}: {text.get_text()!r} leaves the figure ({extent} in {frame})")
        boxes.append((text.get_text(), extent))
    for patch, text in CONTAINED.pop(id(figure), []):
        outline, extent = patch.get_window_extent(renderer), text.get_window_extent(renderer)
        spare = 0.04 * extent.width
        if extent.x0 - spare < outline.x0 or extent.x1 + spare > outline.x1 or extent.y0 < outline.y0:
            raise AssertionError(f"{name}: {text.get_text()!r} does not fit in its box")
    for i, (first, a) in enumerate(boxes):
        for second, b in boxes[i + 1 :]:
            overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
            if overlap_x > 1 and overlap_y > 1:
                raise AssertionError(f"{name}: {first!r} overlaps {second!r}")


@dataclass
class Output:
    folder: Path = FIGURES  # the SVGs
    png_folder: Path | None = None  # a PNG of each too, when given


def save(figure, name: str, out: Output) -> Path:
    if out.png_folder is not None:  # first, so that a figure that fails the check can be looked at
        figure.savefig(out.png_folder / f"{name}.png", dpi=150, facecolor="white")
    check_layout(figure, name)
    path = out.folder / f"{name}.svg"
    figure.savefig(path, metadata={"Date": None}, facecolor="white")
    plt.close(figure)
    return path


# --------------------------------------------------------------------------------------- 1, 2. networks
def network_stages(name: str):
    """The tensors and the layers between them, with the sides from conv_output_size and the counts from
    count_parameters on the layers of the network built here; checked against a forward pass."""
    history = PRESET.history_length
    if name == "dqn2013":
        network, convs, hidden = build_dqn2013_network(NUM_ACTIONS, history), [(16, 8, 4), (32, 4, 2)], 256
    else:
        network, convs, hidden = build_nature_network(NUM_ACTIONS, history), [(32, 8, 4), (64, 4, 2), (64, 3, 1)], 512
    layers = [m for m in network.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    side, channels = SCREEN_SIZE, history
    stages = [
        {
            "shape": f"{history} × {side} × {side}",
            "values": history * side * side,
            "colour": GREY,
            "note": "uint8 frames, 0 to 255",
        },
        {"op": ["scale: divide by 255", "no parameters"]},
        {
            "shape": f"{history} × {side} × {side}",
            "values": history * side * side,
            "colour": BLUE,
            "note": "float32, 0 to 1",
        },
    ]
    with torch.no_grad():
        activation = network.scale(torch.zeros(1, history, side, side, dtype=torch.uint8))
    for layer, (filters, kernel, stride) in zip(layers, convs):
        assert (layer.out_channels, layer.kernel_size, layer.stride) == (filters, (kernel, kernel), (stride, stride))
        new_side = conv_output_size(side, kernel, stride)
        with torch.no_grad():
            activation = torch.relu(layer(activation))
        assert tuple(activation.shape[1:]) == (filters, new_side, new_side), (activation.shape, new_side)
        exact = (side - kernel) % stride == 0
        formula = (
            f"({side} − {kernel}) / {stride} + 1 = {new_side}" if exact else f"⌊({side} − {kernel}) / {stride}⌋ + 1"
        )
        stages.append(
            {
                "op": [
                    f"conv: {filters} filters {kernel}×{kernel}, stride {stride}",
                    f"ReLU · {count_parameters(layer):,} parameters",
                ]
            }
        )
        side, channels = new_side, filters
        stages.append(
            {
                "shape": f"{channels} × {side} × {side}",
                "values": channels * side * side,
                "colour": BLUE,
                "note": formula,
            }
        )
    flat = channels * side * side
    stages[-1]["shape"] += f" = {flat:,}"
    stages[-1]["note"] = [stages[-1]["note"], "then flattened"]
    fc, out = layers[len(convs)], layers[len(convs) + 1]
    assert (fc.in_features, fc.out_features, out.in_features, out.out_features) == (flat, hidden, hidden, NUM_ACTIONS)
    stages += [
        {"op": [f"fully connected, {hidden} units", f"ReLU · {count_parameters(fc):,} parameters"]},
        {"shape": f"{hidden}", "values": hidden, "colour": ORANGE},
        {"op": ["fully connected, linear", f"{count_parameters(out):,} parameters"]},
        {
            "shape": f"{NUM_ACTIONS} Q-values",
            "values": NUM_ACTIONS,
            "colour": GREEN,
            "note": "one per action (Breakout)",
        },
    ]
    with torch.no_grad():
        assert network(torch.zeros(1, history, SCREEN_SIZE, SCREEN_SIZE, dtype=torch.uint8)).shape == (1, NUM_ACTIONS)
    total = count_parameters(network)
    assert total == sum(count_parameters(layer) for layer in layers)
    return stages, total, count_parameters(fc)


def draw_network(name: str, out: Output) -> Path:
    stages, total, fc_parameters = network_stages(name)
    block, gap, top, bottom = 0.38, 0.58, 0.12, 0.62
    blocks = [s for s in stages if "shape" in s]
    height = top + len(blocks) * block + (len(blocks) - 1) * gap + bottom
    figure, axis = canvas(height)
    centre, narrow, wide = 1.2, 1.15, 2.2  # block widths: log of the number of values, 4 -> narrow, 28,224 -> wide
    smallest, largest = math.log(NUM_ACTIONS), math.log(blocks[0]["values"])
    y = height - top
    for stage in stages:
        if "shape" in stage:
            share = (math.log(stage["values"]) - smallest) / (largest - smallest)
            width = narrow + (wide - narrow) * share
            patch = box(axis, centre - width / 2, y - block, width, block, stage["colour"])
            inside(patch, [axis.text(centre, y - block / 2, stage["shape"], ha="center", va="center", fontsize=FONT)])
            note = stage.get("note")
            if note:
                note = [note] if isinstance(note, str) else note
                first = y - block / 2 + (len(note) - 1) * 0.1
                lines(axis, 2.45, first, note, spacing=0.2, va="center", color=MUTED, fontsize=MIN_FONT)
            y -= block
        else:
            arrow(axis, [(centre, y - 0.04), (centre, y - gap + 0.04)])
            operation, parameters = stage["op"]
            lines(
                axis,
                2.45,
                y - gap / 2 + 0.1,
                [operation, (parameters, {"color": MUTED})],
                spacing=0.21,
                va="center",
                fontsize=MIN_FONT,
            )
            y -= gap
    share = 100 * fc_parameters / total
    lines(
        axis,
        0.1,
        0.42,
        [f"{total:,} parameters in all, {share:.0f}% of them", "in the first fully connected layer"],
        spacing=0.2,
        va="center",
        fontsize=MIN_FONT,
        color=INK,
    )
    return save(figure, "network_2013" if name == "dqn2013" else "network_nature", out)


# --------------------------------------------------------------------------------------- 3. training loop
def draw_training_loop(out: Output) -> Path:
    c = PRESET
    mono = {"family": "monospace", "fontweight": "bold"}
    left, width = 0.4, 3.2  # the main column: one turn of play_step, top to bottom
    right, right_width = 3.82, 1.12  # the two networks
    texts = {  # box: (header, lines, colour)
        "act": (
            "act",
            [
                "a random action with probability ε,",
                "else the argmax of Q(s, ·; θ);",
                f"ε = 1 for the first {c.learning_starts:,} steps",
            ],
            GREEN,
        ),
        "env": (
            "envs.send, envs.recv",
            [
                f"the action repeated for {c.frame_skip} frames,",
                "max of the last 2, grey, 84 × 84,",
                f"a stack of {c.history_length}: the next observation",
            ],
            GREY,
        ),
        "store": (
            "store",
            [
                "clip_rewards: reward to [−1, 1],",
                "a lost life is terminal (learning),",
                "memory.add: one frame per slot",
            ],
            ORANGE,
        ),
        "learn": (
            "learn: update",
            [
                f"every {c.update_every} agent steps (should_update)",
                f"after {c.learning_starts:,} steps of random play:",
                f"memory.sample({c.batch_size}), update_step:",
                "target r + γ max Q̂(s′, ·; θ⁻),",
                "Huber loss, one RMSProp step on θ",
            ],
            BLUE,
        ),
        "sync": (
            "learn: target sync",
            [
                f"every {c.target_sync_every:,} agent steps",
                "(is_sync_step): sync_target",
                "copies θ into θ⁻",
            ],
            BLUE,
        ),
    }
    spacing, gap, memory_height = 0.2, 0.3, 0.52
    heights = {name: 0.5 + spacing * len(rows) for name, (_, rows, _) in texts.items()}
    height = sum(heights.values()) + memory_height + gap * len(heights) + 0.24
    figure, axis = canvas(height)

    boxes, y = {}, height - 0.12
    for name in ["act", "env", "store", "memory", "learn", "sync"]:
        if name == "memory":
            memory_top = y
            patch = box(axis, left + 0.55, y - memory_height, width - 1.1, memory_height, PURPLE, radius=0.12)
            rows = ["replay memory D", (f"the last {c.replay_capacity:,} steps", {"color": MUTED})]
            inside(patch, lines(axis, left + width / 2, y - 0.1, rows, ha="center", spacing=0.2, fontsize=MIN_FONT))
            y -= memory_height + gap
            continue
        header, rows, colour = texts[name]
        patch = box(axis, left, y - heights[name], width, heights[name], colour)
        inside(patch, [axis.text(left + 0.12, y - 0.1, header, ha="left", va="top", fontsize=FONT, **mono)])
        inside(patch, lines(axis, left + 0.12, y - 0.4, rows, spacing=spacing, fontsize=MIN_FONT))
        boxes[name] = (y, y - heights[name])
        y -= heights[name] + gap

    # one turn of the loop, and back to the top for the next agent step
    middle = left + width / 2
    for above, below in [("act", "env"), ("env", "store"), ("learn", "sync")]:
        arrow(axis, [(middle, boxes[above][1]), (middle, boxes[below][0])])
    arrow(axis, [(middle, boxes["store"][1]), (middle, memory_top)])
    arrow(axis, [(middle, memory_top - memory_height), (middle, boxes["learn"][0])])
    sync_middle = sum(boxes["sync"]) / 2
    act_middle = sum(boxes["act"]) / 2
    loop_x = 0.16
    arrow(axis, [(left, sync_middle), (loop_x, sync_middle), (loop_x, act_middle), (left, act_middle)])
    axis.text(
        loop_x,
        (sync_middle + act_middle) / 2,
        f"play_step: one agent step = {c.frame_skip} frames",
        rotation=90,
        ha="center",
        va="center",
        fontsize=MIN_FONT,
        backgroundcolor="white",
    )

    # the two networks: act reads the online one, learn changes it, sync copies it into the target
    online_top, online_bottom = boxes["act"]
    patch = box(axis, right, online_bottom, right_width, online_top - online_bottom, BLUE, linewidth=1.6)
    rows = ["online", "network", "Q(·; θ)"]
    inside(
        patch, lines(axis, right + right_width / 2, online_top - 0.16, rows, ha="center", spacing=0.22, fontsize=FONT)
    )
    arrow(axis, [(right, act_middle), (left + width, act_middle)])
    target_top, target_bottom = boxes["sync"]
    patch = box(axis, right, target_bottom, right_width, target_top - target_bottom, BLUE, linewidth=1.6)
    rows = ["target", "network", "Q̂(·; θ⁻)"]
    inside(
        patch, lines(axis, right + right_width / 2, target_top - 0.14, rows, ha="center", spacing=0.22, fontsize=FONT)
    )
    arrow(axis, [(left + width, sync_middle), (right, sync_middle)])
    learn_top, learn_bottom = boxes["learn"]
    up_x, target_x = right + 0.3, right + 0.8
    arrow(axis, [(left + width, learn_top - 0.48), (up_x, learn_top - 0.48), (up_x, online_bottom)])
    axis.text(
        up_x + 0.08, (learn_top + online_bottom) / 2, "new θ", ha="left", va="center", fontsize=MIN_FONT, color=MUTED
    )
    arrow(axis, [(target_x, target_top), (target_x, learn_bottom + 0.3), (left + width, learn_bottom + 0.3)])
    axis.text(
        target_x + 0.06,
        (target_top + learn_bottom + 0.3) / 2,
        "θ⁻",
        ha="left",
        va="center",
        fontsize=MIN_FONT,
        color=MUTED,
    )
    return save(figure, "training_loop", out)


# --------------------------------------------------------------------------------------- 4. replay ring
RING_CAPACITY = 16
RING_STEPS = 21  # steps 0 to 20: the ring wrapped once, slots hold steps 5 to 20
GAME_OVER, TRUNCATED = 9, 15  # game over after step 9 (terminal), a time-limit truncation after step 15


def fill_ring():
    """A memory of 16 slots filled with add_transition, as the agent fills it (Chapter 5)."""
    storage = empty_storage(RING_CAPACITY, frame_shape=(1,))
    cursor, size = 0, 0
    for step in range(RING_STEPS):
        terminal = step == GAME_OVER
        episode_end = step in (GAME_OVER, TRUNCATED)
        cursor, size = add_transition(storage, cursor, size, np.array([step]), 0, 0.0, terminal, episode_end)
    return storage, cursor, size


def draw_replay_ring(out: Output) -> Path:
    storage, cursor, size = fill_ring()
    capacity = RING_CAPACITY
    oldest, newest = cursor, (cursor - 1) % capacity
    step_of = {slot: int(storage["frames"][slot][0]) for slot in range(capacity)}  # each frame holds its step
    valid = [is_valid_sample(storage, slot, cursor, size) for slot in range(capacity)]
    # why each invalid slot is invalid, by Chapter 5's three rules; must agree with is_valid_sample
    reason = {}
    for slot in range(capacity):
        age = (slot - oldest) % capacity
        if slot == newest:
            reason[slot] = "newest"
        elif storage["episode_ends"][slot] and not storage["terminals"][slot]:
            reason[slot] = "truncated"
        elif (
            age < 3
            and not storage["end_before_oldest"]
            and not storage["episode_ends"][[(oldest + a) % capacity for a in range(age)]].any()
        ):
            reason[slot] = "history overwritten"
    assert sorted(reason) == [slot for slot in range(capacity) if not valid[slot]], (reason, valid)
    assert sorted(reason.values()) == ["history overwritten"] * 3 + ["newest", "truncated"]

    height = 5.3
    figure, axis = canvas(height)
    cx, cy, outer, inner = WIDTH / 2 - 0.06, 3.0, 1.38, 0.84
    colours = [BLUE, ORANGE, GREEN]

    def angle(slot):  # degrees: the cursor at the top, the slots clockwise from the oldest
        return 90 - ((slot - oldest) % capacity) * 360 / capacity

    def point(slot, radius, offset=0.5):  # offset 0.5: the middle of the slot's wedge, 0: its start
        a = math.radians(angle(slot) - offset * 360 / capacity)
        return cx + radius * math.cos(a), cy + radius * math.sin(a)

    game = {}
    episode = 0
    for age in range(size):
        slot = (oldest + age) % capacity
        game[slot] = episode
        episode += bool(storage["episode_ends"][slot])
    for slot in range(capacity):
        start = angle(slot)
        wedge = Wedge(
            (cx, cy),
            outer,
            start - 360 / capacity,
            start,
            width=outer - inner,
            facecolor=colours[game[slot]],
            edgecolor=LINE,
            linewidth=1.0,
            hatch=None if valid[slot] else "///",
        )
        axis.add_patch(wedge)
        x, y = point(slot, (outer + inner) / 2 + 0.02)
        axis.text(
            x,
            y,
            str(step_of[slot]),
            ha="center",
            va="center",
            fontsize=FONT + 1,
            fontweight="bold",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6} if not valid[slot] else None,
        )
        x, y = point(slot, inner - 0.16)
        axis.text(x, y, str(slot), ha="center", va="center", fontsize=MIN_FONT, color=MUTED)
        if storage["episode_ends"][slot]:  # the boundary after it: a new game starts in the next slot
            axis.plot(*zip(point(slot, inner - 0.02, 1), point(slot, outer + 0.14, 1)), color=INK, linewidth=3)
    lines(
        axis,
        cx,
        cy + 0.1,
        [("bold: step", {"fontweight": "bold"}), ("grey: slot", {"color": MUTED})],
        ha="center",
        va="center",
        spacing=0.2,
        fontsize=MIN_FONT,
    )

    def label(slot, offset, radius, rows, ha, colour=INK, target_radius=outer + 0.03, shift=(0.0, 0.0)):
        x, y = point(slot, radius, offset)
        x, y = x + shift[0], y + shift[1]
        tx, ty = point(slot, target_radius, offset)
        axis.annotate("", xy=(tx, ty), xytext=(x, y), arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.2})
        n = len(rows)
        lines(
            axis,
            x + (0.05 if ha == "left" else -0.05),
            y + (n - 1) * 0.1,
            rows,
            ha=ha,
            va="center",
            spacing=0.2,
            fontsize=MIN_FONT,
            color=colour,
        )

    label(
        oldest,
        0.3,
        outer + 0.45,
        [f"cursor: slot {cursor}, the next", f"write; oldest: step {step_of[oldest]}"],
        "left",
        colour=RED,
        shift=(-0.1, 0.0),
    )
    label(newest, 0.5, outer + 0.45, ["newest: its next", "step is not stored"], "right", shift=(0.05, 0.0))
    overwritten = [slot for slot in range(capacity) if reason.get(slot) == "history overwritten"]
    label(
        overwritten[2],
        0.5,
        outer + 0.3,
        [f"steps {step_of[overwritten[0]]} to {step_of[overwritten[-1]]}:", "history", "overwritten"],
        "left",
        shift=(0.0, 0.05),
    )
    game_over_slot = [s for s in range(capacity) if step_of[s] == GAME_OVER][0]
    label(game_over_slot, 1.0, outer + 0.35, ["game over", "(terminal)"], "left", target_radius=outer + 0.16)
    truncated_slot = [s for s in range(capacity) if step_of[s] == TRUNCATED][0]
    label(truncated_slot, 0.5, outer + 0.35, ["truncated:", "time limit"], "right")

    # legend and two stacks, rebuilt with stack_slots
    y = 1.3
    axis.add_patch(Rectangle((0.15, y - 0.1), 0.32, 0.22, facecolor=BLUE, edgecolor=LINE))
    axis.text(0.55, y, "may be sampled", va="center", fontsize=MIN_FONT)
    axis.add_patch(Rectangle((2.35, y - 0.1), 0.32, 0.22, facecolor="white", edgecolor=LINE, hatch="///"))
    axis.text(2.75, y, "not valid (is_valid_sample)", va="center", fontsize=MIN_FONT)

    def stack(step):  # the steps whose frames stack_slots puts in the observation of `step`, oldest first
        slot = [s for s in range(capacity) if step_of[s] == step][0]
        return ", ".join(str(step_of[s]) for s in stack_slots(storage, slot, cursor, size))

    last = step_of[overwritten[-1]]
    seen = ", ".join(str(s) for s in range(last - 3, last + 1))  # its game began at step 0, before them all
    rows = [
        "stacks (stack_slots), oldest first:",
        f"step {GAME_OVER + 2}: {stack(GAME_OVER + 2)} (its game starts at {GAME_OVER + 1})",
        f"step {last}: {stack(last)}, but the agent saw {seen}",
    ]
    lines(axis, 0.15, 0.92, rows, spacing=0.22, va="center", fontsize=MIN_FONT)
    axis.text(
        0.15,
        0.15,
        f"{capacity} slots after {RING_STEPS} steps; colours: the games",
        va="center",
        fontsize=MIN_FONT,
        color=MUTED,
    )
    return save(figure, "replay_ring", out)


# --------------------------------------------------------------------------------------- 5. target schedule
def draw_target_schedule(out: Output) -> Path:
    c = PRESET
    start, end = c.learning_starts - c.target_sync_every, c.learning_starts + 4 * c.target_sync_every + 2000
    steps = np.arange(start, end + 1)
    update = np.array([should_update(int(s), c.learning_starts, c.update_every) for s in steps])
    sync = np.array([is_sync_step(int(s), c.target_sync_every) for s in steps])
    online = np.cumsum(update)  # the online weights' age: SGD updates made up to each agent step
    target = np.zeros_like(online)  # the target's: the online weights' age at the last sync
    for i in range(len(steps)):
        target[i] = online[i] if sync[i] else target[i - 1] if i else 0
    syncs = steps[sync]
    lag = c.target_sync_every // c.update_every
    assert (np.diff(target) > 0).sum() == len(syncs) - 2  # the syncs at 40k and 50k copy unchanged weights

    figure = plt.figure(figsize=(WIDTH, 4.5))
    main = figure.add_axes((0.22, 0.47, 0.74, 0.4))
    zoom = figure.add_axes((0.22, 0.12, 0.74, 0.1))
    k = 1000
    main.axvspan(start / k, c.learning_starts / k, color=GREY, linewidth=0)
    for s in syncs:
        main.axvline(s / k, color=MUTED, linewidth=0.8, linestyle=":")
    # drawn through every 250th step and both sides of every sync: the same lines, a smaller file
    shown = sorted(
        {*range(0, len(steps), 250), len(steps) - 1, *np.flatnonzero(sync), *(i - 1 for i in np.flatnonzero(sync) if i)}
    )
    main.plot(steps[shown] / k, online[shown], color="#2166ac", linewidth=2, label="online θ")
    main.plot(steps[shown] / k, target[shown], color=RED, linewidth=2, label="target θ⁻")
    main.text(
        (start + c.learning_starts) / 2 / k,
        online.max() * 0.55,
        "random\nplay:\nno\nupdates",
        ha="center",
        va="center",
        fontsize=MIN_FONT,
    )
    main.set_xlim(start / k, end / k)
    main.set_ylim(0, online.max() * 1.04)
    main.set_ylabel("age of the weights\n(SGD updates)", fontsize=MIN_FONT)
    main.set_xlabel("agent steps (thousands); dotted: syncs", fontsize=MIN_FONT)
    main.tick_params(labelsize=MIN_FONT)
    main.set_xticks(np.arange(start, end, c.target_sync_every) / k)
    main.set_yticks(np.arange(0, online.max(), lag))
    main.set_yticklabels([f"{v:,}" for v in np.arange(0, online.max(), lag)])
    main.legend(loc="upper left", fontsize=MIN_FONT, frameon=False, bbox_to_anchor=(0.2, 1.0))
    frames = main.secondary_xaxis("top", functions=(lambda x: x * c.frame_skip, lambda x: x / c.frame_skip))
    frames.set_xticks(np.arange(start, end, c.target_sync_every) * c.frame_skip / k)
    frames.set_xlabel(f"emulator frames (thousands) = {c.frame_skip} × agent steps", fontsize=MIN_FONT)
    frames.tick_params(labelsize=MIN_FONT)
    before = syncs[-1] - 700  # just before the last sync: the target is almost `lag` updates behind
    main.annotate(
        "",
        xy=(before / k, online[steps == before][0]),
        xytext=(before / k, target[steps == before][0]),
        arrowprops={"arrowstyle": "<->", "color": INK, "lw": 1.0, "shrinkA": 0, "shrinkB": 0},
    )
    main.text(
        (syncs[-1] - 1000) / k,
        lag * 0.08,
        f"up to {lag:,}\nupdates behind",
        ha="right",
        va="bottom",
        fontsize=MIN_FONT,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
    )

    first = c.learning_starts
    window = np.arange(first - 4, first + 25)
    zoom.set_xlim(window[0] - 0.5, window[-1] + 0.5)
    zoom.set_ylim(0, 1)
    for s in window:
        due = should_update(int(s), c.learning_starts, c.update_every)
        zoom.plot([s, s], [0, 0.85 if due else 0.25], color="#2166ac" if due else MUTED, linewidth=2.2 if due else 1)
    ticks = [first, *range(first + c.update_every, window[-1] + 1, c.update_every)]
    zoom.set_yticks([])
    zoom.set_xticks(ticks)
    zoom.set_xticklabels([f"{first:,}"] + [f"+{t - first}" for t in ticks[1:]])
    zoom.tick_params(labelsize=MIN_FONT)
    for side in ("left", "right", "top"):
        zoom.spines[side].set_visible(False)
    zoom.set_title(f"zoom: an update (tall tick) every {c.update_every} agent steps", fontsize=MIN_FONT, loc="left")
    zoom.set_xlabel(
        f"agent steps; step {first + c.update_every:,} = frame {c.frame_skip * (first + c.update_every):,}",
        fontsize=MIN_FONT,
    )
    return save(figure, "target_schedule", out)


# ------------------------------------------------------------------------- 6. the recorded CPU run
def draw_breakout_cpu_curve(out: Output) -> Path:
    """The score of the greedy-ish (ε = 0.05) agent over the CPU run, from the run's own records."""
    import csv
    import json

    data = REPOSITORY / "book" / "data"
    with open(data / "breakout_cpu_evaluations.csv", newline="") as handle:
        rows = [{key: float(value) for key, value in row.items()} for row in csv.DictReader(handle)]
    run = json.loads((data / "breakout_cpu.json").read_text())
    steps = np.array([row["step"] for row in rows]) / 1000
    mean = np.array([row["mean"] for row in rows])
    std = np.array([row["std"] for row in rows])
    random_play = run["random_play"]["mean"]
    frame_skip = run["config"]["frame_skip"]

    figure, axis = plt.subplots(figsize=(WIDTH, 3.4))
    axis.fill_between(steps, mean - std, mean + std, color=BLUE, linewidth=0)
    axis.plot(steps, mean, color="#2166ac", linewidth=2, marker="o", markersize=4)
    axis.axhline(random_play, color=MUTED, linewidth=1.2, linestyle="--")
    final = run["final_evaluation"]  # the last network, on 30 new games (the landing page's score)
    returns = np.array(final["returns"], dtype=float)
    final_mean, final_std = returns.mean(), returns.std(ddof=1)
    axis.errorbar(final["step"] / 1000, final_mean, yerr=final_std, color=INK, marker="D", markersize=6, capsize=4)
    axis.text(
        final["step"] / 1000,
        final_mean - final_std - 1.5,
        f"last network: {final_mean:.1f}",
        ha="right",
        va="top",
        fontsize=MIN_FONT,
    )
    axis.text(
        steps[-1], random_play + 1.2, f"random play: {random_play:.1f}", ha="right", va="bottom", fontsize=MIN_FONT
    )
    axis.text(
        steps[0],
        mean[-1] + std[-1] + 1,
        f"mean of {int(rows[-1]['episodes'])} games ± std",
        ha="left",
        va="bottom",
        fontsize=MIN_FONT,
    )
    axis.set_xlim(0, final["step"] / 1000 * 1.06)
    axis.set_xticks(np.arange(0, steps[-1] + 1, 100))
    axis.set_ylim(0, max(mean + std) * 1.25)
    axis.set_xlabel(f"agent steps, thousands (× {frame_skip} = emulator frames)", fontsize=MIN_FONT)
    axis.set_ylabel("score per game", fontsize=MIN_FONT)
    axis.tick_params(labelsize=MIN_FONT)
    for side in ("right", "top"):
        axis.spines[side].set_visible(False)
    figure.tight_layout()
    return save(figure, "breakout_cpu_curve", out)


def draw_all(out: Output) -> list[Path]:
    """Draw the figures into out.folder; return their paths."""
    for folder in (out.folder, out.png_folder):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
    return [
        draw_network("dqn2013", out),
        draw_network("nature", out),
        draw_training_loop(out),
        draw_replay_ring(out),
        draw_target_schedule(out),
        draw_breakout_cpu_curve(out),
    ]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FIGURES, help="write the SVGs here (default: book/figures)")
    parser.add_argument("--png", type=Path, help="also write a PNG of each figure into this folder")
    args = parser.parse_args(argv)
    for path in draw_all(Output(args.out, args.png)):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
