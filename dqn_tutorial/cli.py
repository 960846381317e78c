"""The `dqn-tutorial` command: train, resume, evaluate, record, plot.

Every config field is also a flag of `train` (e.g. --learning-rate 1e-4, --no-target-network), with
one line of help from config.FIELD_HELP. `--impl chapters|solutions` trains with the learner's
functions (or the answers) in place of the reference package's (dqn_tutorial.taught).
Mistakes the user can fix end with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from dqn_tutorial.config import FIELD_HELP, MAX_SEED, PRESETS, Config, flag, get_preset
from dqn_tutorial.errors import UserError


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line like ours (argparse prints the whole usage first)."""

    def error(self, message: str):
        self.exit(2, f"dqn-tutorial: error: {message} (see `{self.prog} --help`)\n")


IMPLEMENTATIONS = ("reference", "chapters", "solutions")
_METAVARS = {int: "N", float: "X", str: "NAME"}


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    """Room for `--sticky-action-probability X` before the help, so most fields' help starts on their line."""
    return argparse.HelpFormatter(prog, max_help_position=36)


def _field_help(name: str) -> str | None:
    text = FIELD_HELP.get(name)
    return text.replace("%", "%%") if text else text  # argparse formats help with %


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "config fields (each overrides the preset's value; schedules count agent steps, one agent step = "
        "frame_skip emulator frames; Nature = Mnih et al. 2015, 2013 = Mnih et al. 2013)"
    )
    for field in dataclasses.fields(Config):
        kind = type(field.default)
        if kind is bool:
            group.add_argument(
                flag(field.name),
                dest=field.name,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=_field_help(field.name),
            )
        else:
            group.add_argument(
                flag(field.name),
                dest=field.name,
                type={int: _integer, float: _real}.get(kind, kind),
                default=None,
                metavar=_METAVARS.get(kind, "VALUE"),
                help=_field_help(field.name),
            )


def _add_impl_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--impl",
        choices=IMPLEMENTATIONS,
        default="reference",
        help="whose functions the agent runs: the reference package's (default), yours in chapters/, "
        "or the answers in solutions/; a chapter not done yet runs the reference's",
    )


def _integer(text: str) -> int:
    """Accepts 10000000, 10_000_000 and 1e7; refuses 1.5, nan and 1e400 (infinite as a float)."""
    cleaned = text.strip().replace("_", "")
    try:
        return int(cleaned)  # exact, however long
    except ValueError:
        pass
    value = _real(text)
    if value != int(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(value)


def _real(text: str) -> float:
    """A finite number: nan and inf (or 1e400, which overflows to inf) cannot be a setting."""
    try:
        value = float(text.strip().replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _positive_integer(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {text!r}")
    return value


def _probability(text: str) -> float:
    value = _real(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (a probability), got {text!r}")
    return value


def _seed(text: str) -> int:
    value = _integer(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_SEED:,}, got {text!r}")
    return value


def _device(text: str) -> str:
    if text not in ("auto", "cpu", "cuda") and not re.fullmatch(r"cuda:\d+", text):
        raise argparse.ArgumentTypeError(f"must be auto, cpu, cuda or cuda:N, got {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dqn-tutorial", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser(
        "train", help="start a new run (defaults: the full Nature run on Breakout)", formatter_class=_help_formatter
    )
    train.add_argument("--preset", default="nature2015", help=f"one of: {', '.join(PRESETS)}")
    train.add_argument("--run-dir", type=Path, default=None, help="where the run is written (default runs/PRESET-TIME)")
    train.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="set any config field")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_impl_flag(train)
    _add_config_flags(train)

    resume = commands.add_parser(
        "resume", help="continue a run from its latest checkpoint", formatter_class=_help_formatter
    )
    resume.add_argument("--run-dir", type=Path, required=True, help="the run to continue")
    resume.add_argument(
        "--total-steps",
        type=_integer,
        default=None,
        metavar="N",
        help="train to this many agent steps in all (default: the run's total_steps)",
    )
    resume.add_argument(
        "--device",
        type=_device,
        default=None,
        metavar="NAME",
        help="auto, cpu, cuda or cuda:N (default: the run's device)",
    )
    resume.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_impl_flag(resume)

    evaluate = commands.add_parser("evaluate", help="score a checkpoint with the Nature protocol")
    evaluate.add_argument("checkpoint", type=Path, help="a .pt file or a run directory (its latest checkpoint)")
    evaluate.add_argument("--episodes", type=_positive_integer, default=30)
    evaluate.add_argument("--epsilon", type=_probability, default=None, help="default: the run's eval_epsilon (0.05)")
    evaluate.add_argument("--seed", type=_seed, default=12345)
    evaluate.add_argument("--device", type=_device, default="auto")
    evaluate.add_argument("--output", type=Path, default=None, help="write the result as JSON here too")

    record = commands.add_parser("record", help="record one game played by a checkpoint to .gif or .mp4")
    record.add_argument("checkpoint", type=Path)
    record.add_argument("--output", type=Path, required=True)
    record.add_argument("--epsilon", type=_probability, default=None)
    record.add_argument("--seed", type=_seed, default=0)
    record.add_argument("--max-steps", type=_positive_integer, default=None, help="stop after this many agent steps")
    record.add_argument("--device", type=_device, default="auto")

    plot = commands.add_parser("plot", help="plot learning curves of one or more runs")
    plot.add_argument("run_dirs", type=Path, nargs="+")
    plot.add_argument("--output", type=Path, required=True)
    return parser


def _config_from_args(args: argparse.Namespace) -> Config:
    if args.preset not in PRESETS:
        raise UserError(f"unknown preset {args.preset!r} (--preset): choose one of {', '.join(PRESETS)}")
    config = get_preset(args.preset)
    changes = {f.name: getattr(args, f.name) for f in dataclasses.fields(Config) if getattr(args, f.name) is not None}
    for item in args.set:
        if "=" not in item:
            raise UserError(f"--set expects KEY=VALUE, got {item!r}")
        key, text = item.split("=", 1)
        key = key.replace("-", "_")
        defaults = {f.name: f.default for f in dataclasses.fields(Config)}
        if key not in defaults:
            raise UserError(f"unknown config key {key!r} in --set: see `dqn-tutorial train --help` for the fields")
        changes[key] = _parse_value(text, type(defaults[key]), key)
    config = config.replace(**changes).validate()
    _check_new_run(config)
    return config


def _check_new_run(config: Config) -> None:
    """What a new run needs beyond Config.validate: checked here, as a run may resume on another
    machine, and the library's tests drive a Trainer by hand from step 0 (learning_starts 0)."""
    if config.learning_starts < config.batch_size:
        raise UserError(
            f"learning_starts ({config.learning_starts}) must be at least batch_size "
            f"({config.batch_size}): the first minibatch is drawn from the steps of random play; "
            f"raise --learning-starts"
        )
    cores = os.cpu_count() or 1
    for name in ("num_threads", "env_threads"):
        if getattr(config, name) > cores:
            raise UserError(
                f"{name} is {getattr(config, name)} but this machine has {cores} CPU cores: "
                f"set {flag(name)} to at most {cores} (0 = the default)"
            )


def _check_environment(config: Config) -> None:
    """An unknown game or environment is refused before the run directory is made."""
    if config.is_atari:
        from dqn_tutorial.atari import ale_env_id

        try:
            ale_env_id(config.env_id)
        except UserError as error:
            raise UserError(f"--env-id: {error}") from None
    else:
        from dqn_tutorial.environment import make_env

        try:
            make_env(config, seed=0).close()  # cheap for vector environments; says what is wrong
        except UserError as error:
            raise UserError(f"--env-id: {error}") from None


def _check_writable_folder(folder: Path, option: str) -> None:
    """`folder` (made later if missing) can be created and written in; nothing is left behind.

    Tried for real (a temporary folder made and removed): permission bits do not tell the whole
    story (read-only file systems, root, /sys).
    """
    existing = Path(folder)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(f"{existing} is a file, not a folder: choose another {option}")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".dqn-tutorial-write-check-", dir=existing))
    except OSError as error:
        raise UserError(
            f"cannot write in {existing} ({error.strerror or error}): choose another {option} "
            f"in a folder you can write to"
        ) from None


def _check_new_file(path: Path, option: str) -> None:
    """An output file is never overwritten, and its folder must be writable, before any work starts."""
    if path.exists():
        raise UserError(f"{path} already exists: choose another {option} (nothing was overwritten)")
    _check_writable_folder(path.parent, option)


def _parse_value(text: str, kind: type, key: str):
    try:
        if kind is bool:
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            return text.lower() in ("true", "1", "yes")
        return {int: _integer, float: _real}.get(kind, kind)(text)
    except (ValueError, argparse.ArgumentTypeError):
        kinds = {bool: "true or false", int: "a whole number", float: "a finite number", str: "a string"}
        raise UserError(f"--set {key} expects {kinds[kind]}, got {text!r}") from None


def _load_network(checkpoint_path: Path, device_name: str):
    import torch  # noqa: F401  (keep `--help` fast)

    from dqn_tutorial.checkpoints import load_checkpoint
    from dqn_tutorial.environment import make_env
    from dqn_tutorial.networks import build_network
    from dqn_tutorial.training import resolve_device

    device = resolve_device(device_name)
    checkpoint = load_checkpoint(checkpoint_path)
    config = Config().replace(**checkpoint["config"])
    env = make_env(config, seed=0, evaluation=True)
    network = build_network(config.network, int(env.action_space.n), env.observation_space.shape).to(device)
    env.close()
    try:
        network.load_state_dict(checkpoint["online"])
    except RuntimeError:
        raise UserError(f"checkpoint {checkpoint_path} does not match its own config's network") from None
    return network, config, device, checkpoint


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit:  # --help (0), or a usage error already printed on one line (2)
        return exit.code if isinstance(exit.code, int) else 2
    try:
        return _run(args)
    except UserError as error:
        print(f"dqn-tutorial: error: {error}", file=sys.stderr)
        return 2


def _use_implementation(which: str) -> None:
    """--impl: install the learner's functions (or the answers) before the training code is imported,
    and say, one line per exercise, whose code runs. 'reference' changes nothing."""
    if which == "reference":
        return
    from dqn_tutorial.taught import use_implementation

    print(f"--impl {which}: the agent runs these functions", flush=True)
    for line in use_implementation(which):
        print(f"  {line}", flush=True)


def _run(args: argparse.Namespace) -> int:
    if args.command == "train":
        if args.run_dir and ((args.run_dir / "config.json").exists() or (args.run_dir / "checkpoints").exists()):
            # said first: whatever else is on the line, this directory is taken (training.py checks it again)
            raise UserError(
                f"{args.run_dir} already holds a run: continue it with `dqn-tutorial resume --run-dir "
                f"{args.run_dir}` or choose another --run-dir"
            )
        config = _config_from_args(args)
        _use_implementation(args.impl)  # before dqn_tutorial.training is imported
        from dqn_tutorial.training import train

        run_dir = args.run_dir or Path("runs") / f"{args.preset}-{time.strftime('%Y%m%d-%H%M%S')}"
        _check_environment(config)
        _check_writable_folder(run_dir, "--run-dir")
        summary = train(config, run_dir, progress=not args.no_progress)
        print(json.dumps({"run_dir": str(run_dir), **summary}))
    elif args.command == "resume":
        _use_implementation(args.impl)
        from dqn_tutorial.training import resume

        summary = resume(args.run_dir, args.total_steps, progress=not args.no_progress, device=args.device)
        print(json.dumps({"run_dir": str(args.run_dir), **summary}))
    elif args.command == "evaluate":
        from dqn_tutorial.evaluation import evaluate

        if args.output:
            _check_new_file(args.output, "--output")  # before the games are played, not after
        network, config, device, checkpoint = _load_network(args.checkpoint, args.device)
        # A run is evaluated on the emulators it trained on: the fast engine's plays the games in parallel.
        if config.engine == "fast":
            from dqn_tutorial.fast.evaluation import evaluate_in_parallel as evaluator
        else:
            evaluator = evaluate
        result = evaluator(network, config, args.episodes, seed=args.seed, epsilon=args.epsilon, device=device)
        report = {
            "checkpoint": str(args.checkpoint),
            "step": checkpoint.get("step"),
            "engine": config.engine,
            "epsilon": config.eval_epsilon if args.epsilon is None else args.epsilon,
            "max_frames": config.eval_max_frames,
            **result.to_dict(),
        }
        if args.output:
            if args.output.exists():
                raise UserError(f"{args.output} already exists: choose another --output (nothing was overwritten)")
            args.output.parent.mkdir(parents=True, exist_ok=True)  # as record and plot do
            args.output.write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps({k: v for k, v in report.items() if k not in ("returns", "lengths")}))
    elif args.command == "record":
        from dqn_tutorial.video import check_can_render, check_video_path, play_and_capture, write_video

        check_video_path(args.output)
        _check_new_file(args.output, "--output")
        network, config, device, _ = _load_network(args.checkpoint, args.device)
        check_can_render(config)
        epsilon = config.eval_epsilon if args.epsilon is None else args.epsilon
        frames, score = play_and_capture(network, config, args.seed, epsilon, device, args.max_steps)
        write_video(frames, args.output)
        print(json.dumps({"output": str(args.output), "score": score, "frames": len(frames)}))
    elif args.command == "plot":
        from dqn_tutorial.plotting import check_figure_path, plot_runs

        check_figure_path(args.output)
        _check_new_file(args.output, "--output")
        print(json.dumps({"output": str(plot_runs(args.run_dirs, args.output))}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
