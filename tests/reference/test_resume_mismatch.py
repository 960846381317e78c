"""A resume refuses a checkpoint that does not belong to its run directory, or whose weights do not fit
its own config, with one clear line (issue 11: such a checkpoint used to be resumed as the other run)."""

import json

import pytest
import torch

from dqn_tutorial.checkpoints import resolve_checkpoint_path
from dqn_tutorial.cli import main
from dqn_tutorial.config import get_preset
from dqn_tutorial.training import train


@pytest.fixture
def cartpole_run(tmp_path):
    run_dir = tmp_path / "cartpole"
    config = get_preset("cartpole").replace(
        total_steps=600, learning_starts=200, eval_every=10_000, checkpoint_every=300, log_every=100
    )
    train(config, run_dir, progress=False)
    return run_dir


def run_cli(args, capsys):
    code = main(args)
    err = capsys.readouterr().err.strip().splitlines()
    return code, err


def test_checkpoint_of_another_run_is_refused(cartpole_run, capsys):
    config_file = cartpole_run / "config.json"
    other = json.loads(config_file.read_text())
    other["learning_rate"] = 0.123  # the folder's own config no longer matches its checkpoint
    config_file.write_text(json.dumps(other))
    code, err = run_cli(["resume", "--run-dir", str(cartpole_run), "--total-steps", "900", "--no-progress"], capsys)
    assert code == 2 and len(err) == 1, err
    assert "belongs to another run" in err[0] and "learning_rate" in err[0]


def test_weights_that_do_not_fit_the_config_are_refused(cartpole_run, capsys):
    path = resolve_checkpoint_path(cartpole_run)
    checkpoint = torch.load(path, weights_only=True)
    first = next(iter(checkpoint["online"]))
    checkpoint["online"][first] = torch.zeros(3, 3)  # a tensor of the wrong shape
    torch.save(checkpoint, path)
    code, err = run_cli(["resume", "--run-dir", str(cartpole_run), "--total-steps", "900", "--no-progress"], capsys)
    assert code == 2 and len(err) == 1, err
    assert "do not fit the network" in err[0]
