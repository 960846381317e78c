"""The `dqn-tutorial` command: train, resume, evaluate, record, plot.

Every config field is also a flag of `train` (e.g. --learning-rate 1e-4, --no-target-network).
Mistakes the user can fix end with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from dqn_tutorial.config import PRESETS, Config, get_preset
from dqn_tutorial.errors import UserError


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("config fields (override the preset)")
    for field in dataclasses.fields(Config):
        flag = "--" + field.name.replace("_", "-")
        kind = type(field.default)
        if kind is bool:
            group.add_argument(flag, dest=field.name, action=argparse.BooleanOptionalAction, default=None)
        else:
            group.add_argument(flag, dest=field.name, type=_integer if kind is int else kind, default=None,
                               metavar=field.name.upper())


def _integer(text: str) -> int:
    """Accepts 10000000, 10_000_000 and 1e7."""
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value != int(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dqn-tutorial", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="start a new run (defaults: the full Nature run on Breakout)")
    train.add_argument("--preset", default="nature2015", help=f"one of: {', '.join(PRESETS)}")
    train.add_argument("--run-dir", type=Path, default=None, help="where the run is written (default runs/PRESET-TIME)")
    train.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="set any config field")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_config_flags(train)

    resume = commands.add_parser("resume", help="continue a run from its latest checkpoint")
    resume.add_argument("--run-dir", type=Path, required=True)
    resume.add_argument("--total-steps", type=_integer, default=None, help="train to this many agent steps")
    resume.add_argument("--device", default=None)
    resume.add_argument("--no-progress", action="store_true")

    evaluate = commands.add_parser("evaluate", help="score a checkpoint with the Nature protocol")
    evaluate.add_argument("checkpoint", type=Path, help="a .pt file or a run directory (its latest checkpoint)")
    evaluate.add_argument("--episodes", type=_integer, default=30)
    evaluate.add_argument("--epsilon", type=float, default=None, help="default: the run's eval_epsilon (0.05)")
    evaluate.add_argument("--seed", type=_integer, default=12345)
    evaluate.add_argument("--device", default="auto")
    evaluate.add_argument("--output", type=Path, default=None, help="write the result as JSON here too")

    record = commands.add_parser("record", help="record one game played by a checkpoint to .gif or .mp4")
    record.add_argument("checkpoint", type=Path)
    record.add_argument("--output", type=Path, required=True)
    record.add_argument("--epsilon", type=float, default=None)
    record.add_argument("--seed", type=_integer, default=0)
    record.add_argument("--max-steps", type=_integer, default=None, help="stop after this many agent steps")
    record.add_argument("--device", default="auto")

    plot = commands.add_parser("plot", help="plot learning curves of one or more runs")
    plot.add_argument("run_dirs", type=Path, nargs="+")
    plot.add_argument("--output", type=Path, required=True)
    return parser


def _config_from_args(args: argparse.Namespace) -> Config:
    config = get_preset(args.preset)
    changes = {f.name: getattr(args, f.name) for f in dataclasses.fields(Config) if getattr(args, f.name) is not None}
    for item in args.set:
        if "=" not in item:
            raise UserError(f"--set expects KEY=VALUE, got {item!r}")
        key, text = item.split("=", 1)
        key = key.replace("-", "_")
        defaults = {f.name: f.default for f in dataclasses.fields(Config)}
        if key not in defaults:
            raise UserError(f"unknown config key {key!r}: see `dqn-tutorial train --help` for the fields")
        changes[key] = _parse_value(text, type(defaults[key]), key)
    return config.replace(**changes).validate()


def _parse_value(text: str, kind: type, key: str):
    try:
        if kind is bool:
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            return text.lower() in ("true", "1", "yes")
        return _integer(text) if kind is int else kind(text)
    except (ValueError, argparse.ArgumentTypeError):
        raise UserError(f"{key} expects a {kind.__name__}, got {text!r}") from None


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
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except UserError as error:
        print(f"dqn-tutorial: error: {error}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "train":
        from dqn_tutorial.training import train
        config = _config_from_args(args)
        run_dir = args.run_dir or Path("runs") / f"{args.preset}-{time.strftime('%Y%m%d-%H%M%S')}"
        summary = train(config, run_dir, progress=not args.no_progress)
        print(json.dumps({"run_dir": str(run_dir), **summary}))
    elif args.command == "resume":
        from dqn_tutorial.training import resume
        summary = resume(args.run_dir, args.total_steps, progress=not args.no_progress, device=args.device)
        print(json.dumps({"run_dir": str(args.run_dir), **summary}))
    elif args.command == "evaluate":
        from dqn_tutorial.evaluation import evaluate, evaluate_in_parallel
        network, config, device, checkpoint = _load_network(args.checkpoint, args.device)
        # A run is evaluated on the emulators it trained on: the fast engine's plays the games in parallel.
        evaluator = evaluate_in_parallel if config.engine == "fast" else evaluate
        result = evaluator(network, config, args.episodes, seed=args.seed, epsilon=args.epsilon, device=device)
        report = {"checkpoint": str(args.checkpoint), "step": checkpoint.get("step"), "engine": config.engine,
                  "epsilon": config.eval_epsilon if args.epsilon is None else args.epsilon,
                  "max_frames": config.eval_max_frames, **result.to_dict()}
        if args.output:
            if args.output.exists():
                raise UserError(f"{args.output} already exists: choose another --output (nothing was overwritten)")
            args.output.write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps({k: v for k, v in report.items() if k not in ("returns", "lengths")}))
    elif args.command == "record":
        from dqn_tutorial.video import play_and_capture, write_video
        network, config, device, _ = _load_network(args.checkpoint, args.device)
        if args.output.exists():
            raise UserError(f"{args.output} already exists: choose another --output (nothing was overwritten)")
        epsilon = config.eval_epsilon if args.epsilon is None else args.epsilon
        frames, score = play_and_capture(network, config, args.seed, epsilon, device, args.max_steps)
        write_video(frames, args.output)
        print(json.dumps({"output": str(args.output), "score": score, "frames": len(frames)}))
    elif args.command == "plot":
        from dqn_tutorial.plotting import plot_runs
        print(json.dumps({"output": str(plot_runs(args.run_dirs, args.output))}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
