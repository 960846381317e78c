"""What the chapters teach is what the agent runs: the table of taught functions, and training with yours.

Each row of `TAUGHT` is one concept: the chapter that teaches it, the exercise function the learner
writes, the reference module holding the function of the same name and signature, and where the agent
calls it. `use_implementation("chapters")` (`dqn-tutorial train --impl chapters`) puts the learner's
functions in place of the reference ones before a run is built, so the agent trains with the learner's
code; the exercises not done yet (their stub still raises NotImplementedError) keep the reference's.
With "solutions" the run is bit-identical to the reference run (tests/reference/test_taught.py).

`CHAPTER_ONLY` lists the exercise functions the agent has no use for (a tabular toy, analysis
functions behind a chapter's tables and figures), each with the reason.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from dataclasses import dataclass
from types import ModuleType

from dqn_tutorial.errors import UserError
from dqn_tutorial.implementations import IMPLEMENTATIONS, exercises_root, load_exercises


@dataclass(frozen=True)
class Taught:
    chapter: str  # chapters/<chapter>/exercises.py
    name: str  # the exercise function, and the reference function of the same name
    module: str  # the reference module, dqn_tutorial.<module>
    runs_in: str  # where the agent calls it


TAUGHT = (
    Taught(
        "01_atari",
        "lost_a_life",
        "atari",
        "frame_skipping.skip_step (every emulator frame) and the fast engine's VectorAtari.recv",
    ),
    Taught("01_atari", "play_random_game", "atari", "atari.random_agent_returns: the random-play baseline"),
    Taught("01_atari", "summarize_scores", "atari", "evaluation.EvaluationResult: every evaluation's mean and std"),
    Taught("02_preprocessing", "resize_frame", "preprocessing", "the observation wrapper Resize84"),
    Taught("02_preprocessing", "push_frame", "preprocessing", "FrameStack.step"),
    Taught("02_preprocessing", "reset_stack", "preprocessing", "FrameStack.reset"),
    Taught("03_q_learning", "td_targets", "q_learning", "target_network.td_targets_from_target, in every update"),
    Taught("03_q_learning", "q_values_of_actions", "q_learning", "update.dqn_loss, in every update"),
    Taught("04_network_2013", "conv_output_size", "networks", "both networks size their first linear layer"),
    Taught("04_network_2013", "ScaleFrames", "networks", "the first layer of both networks"),
    Taught("04_network_2013", "build_dqn2013_network", "networks", "networks.build_network('dqn2013')"),
    Taught("04_network_2013", "count_parameters", "networks", "the run's summary.json (training.Trainer.summary)"),
    Taught(
        "05_replay_memory", "memory_bytes", "replay_memory", "ReplayMemory.bytes_needed: the memory check before a run"
    ),
    Taught("05_replay_memory", "add_transition", "replay_memory", "ReplayMemory.add (dqn.store)"),
    Taught("05_replay_memory", "stack_slots", "replay_memory", "ReplayMemory.sample (dqn.learn)"),
    Taught("05_replay_memory", "is_valid_sample", "replay_memory", "ReplayMemory.sample (dqn.learn)"),
    Taught("06_exploration", "linear_epsilon", "schedules", "schedules.epsilon_at (dqn.act)"),
    Taught("06_exploration", "epsilon_greedy", "exploration", "dqn.act and every evaluation"),
    Taught("06_exploration", "q_values", "exploration", "dqn.act and every evaluation"),
    Taught("07_dqn_2013", "dqn_loss", "update", "update.update_step"),
    Taught("07_dqn_2013", "update_step", "update", "dqn.learn, through the engine's update"),
    Taught("07_dqn_2013", "clip_rewards", "update", "dqn.store"),
    Taught("07_dqn_2013", "should_update", "schedules", "dqn.learn"),
    Taught("08_target_network", "make_target_network", "target_network", "training.Trainer: the agent's target"),
    Taught("08_target_network", "td_targets_from_target", "target_network", "update.dqn_loss"),
    Taught("08_target_network", "sync_target", "target_network", "dqn.learn"),
    Taught("08_target_network", "is_sync_step", "schedules", "dqn.learn"),
    Taught("09_nature_network", "build_nature_network", "networks", "networks.build_network('nature')"),
    Taught("10_frame_skipping", "max_of_last_two", "frame_skipping", "FrameSkip.step"),
    Taught("10_frame_skipping", "skip_step", "frame_skipping", "FrameSkip.step"),
    Taught("11_huber_loss", "mse_loss", "losses", "update.dqn_loss (loss 'mse': 2013)"),
    Taught("11_huber_loss", "huber_loss", "losses", "update.dqn_loss (loss 'huber': Nature)"),
    # Chapter 12 last: its exercises file imports the earlier chapters' functions when it loads
    Taught("12_breakout_run", "act", "dqn", "dqn.play_step: the actions of every agent step"),
    Taught("12_breakout_run", "store", "dqn", "dqn.play_step: every transition into the replay memory"),
    Taught("12_breakout_run", "learn", "dqn", "dqn.play_step, and Trainer.run after the last step"),
)

CHAPTER_ONLY = {
    "tabular_q_update": "Chapter 3's table-based warm-up; the agent's Q-function is a network",
    "receptive_field": "Chapter 9's analysis of the two networks (its table)",
    "conv_macs": "Chapter 9's cost table of the two networks",
    "clipped_error_gradient": "Chapter 11's figure of the two losses' gradients",
    "find_silent_bug": "Chapter 12's bug hunt in a separate script",
    "to_grayscale": "the emulator hands out ALE's grayscale screen, the same pixels (Chapter 2 measures why)",
}


def is_done(function) -> bool:
    """False while the function still raises NotImplementedError somewhere in its body (the stub)."""
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return True
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(raised, ast.Name) and raised.id == "NotImplementedError":
                return False
    return True


def _replace_everywhere(original, replacement) -> None:
    """Put `replacement` wherever the package holds `original`: module attributes (a `from x import f`
    copies the name) and the values of module-level dicts (losses.LOSSES)."""
    for module_name, module in list(sys.modules.items()):
        if not (module_name == "dqn_tutorial" or module_name.startswith("dqn_tutorial.")) or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if value is original:
                setattr(module, attribute, replacement)
            elif isinstance(value, dict) and not attribute.startswith("__"):
                for key, item in list(value.items()):
                    if item is original:
                        value[key] = replacement


def exercise_number(exercises: ModuleType, name: str) -> str:
    """'6.2' from the docstring 'Exercise 6.2: ...' of the learner's function ('' when it has none)."""
    doc = inspect.getdoc(getattr(exercises, name, None)) or ""
    words = doc.split()
    return words[1].rstrip(":") if len(words) > 1 and words[0] == "Exercise" else ""


def use_implementation(which: str) -> list[str]:
    """Make the agent run the functions of chapters/ ('chapters') or solutions/ ('solutions').

    Returns one line per taught function saying whose code runs. Call it before building a run: the
    networks are built with the classes installed here. 'reference' changes nothing.
    """
    if which == "reference":
        return ["the reference implementation (dqn_tutorial/) runs everywhere"]
    if which not in IMPLEMENTATIONS:
        raise UserError(f"--impl {which!r}: choose reference, chapters (your code) or solutions")
    import importlib

    folder = exercises_root(which)
    lines, loaded = [], {}
    for row in TAUGHT:
        if row.chapter not in loaded:
            loaded[row.chapter] = load_exercises(row.chapter, which)
        exercises = loaded[row.chapter]
        label = f"{exercise_number(exercises, row.name) or row.chapter[:2].lstrip('0')} {row.name}"
        theirs = getattr(exercises, row.name, None)
        if theirs is None:
            lines.append(f"{label}: missing from {folder.name}/{row.chapter}/exercises.py, the reference's runs")
            continue
        if not is_done(theirs):
            lines.append(f"{label}: not done yet, the reference's runs")
            continue
        reference = getattr(importlib.import_module(f"dqn_tutorial.{row.module}"), row.name)
        _replace_everywhere(reference, theirs)
        lines.append(
            f"{label}: {'yours' if which == 'chapters' else 'the solution'} "
            f"({folder.name}/{row.chapter}/exercises.py), run by {row.runs_in}"
        )
    return lines
