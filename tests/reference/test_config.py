"""The preset ladder: each rung differs from the one before by exactly one of the Nature additions."""

import pytest

from dqn_tutorial.config import PRESET_LADDER, PRESETS, Config, get_preset
from dqn_tutorial.errors import UserError

EXPECTED_CHANGES = {
    "plus_target_network": {"target_network"},
    "plus_nature_network": {"network"},
    "plus_frame_skipping": {"max_last_two", "update_every"},
    "nature2015": {"loss"},
}


def test_each_rung_changes_exactly_one_addition():
    names = list(PRESET_LADDER)
    assert names == ["dqn2013", "plus_target_network", "plus_nature_network", "plus_frame_skipping", "nature2015"]
    for before, after in zip(names, names[1:]):
        a, b = PRESETS[before].to_dict(), PRESETS[after].to_dict()
        changed = {key for key in a if a[key] != b[key]}
        assert changed == EXPECTED_CHANGES[after], (before, after, changed)


def test_nature2015_matches_extended_data_table_1():
    c = get_preset("nature2015")
    assert (c.network, c.loss, c.target_network, c.max_last_two) == ("nature", "huber", True, True)
    assert (c.batch_size, c.replay_capacity, c.history_length, c.target_sync_every) == (32, 1_000_000, 4, 10_000)
    assert (c.gamma, c.frame_skip, c.update_every, c.learning_rate) == (0.99, 4, 4, 2.5e-4)
    assert (c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps) == (1.0, 0.1, 1_000_000)
    assert (c.learning_starts, c.noop_max, c.eval_epsilon, c.eval_max_frames) == (50_000, 30, 0.05, 18_000)
    assert c.sticky_action_probability == 0.0 and c.optimizer == "rmsprop"


def test_dqn2013_has_none_of_the_additions():
    c = get_preset("dqn2013")
    assert (c.network, c.loss, c.target_network, c.max_last_two, c.update_every) == ("dqn2013", "mse", False, False, 1)


def test_bad_config_is_a_clear_error():
    with pytest.raises(UserError, match="unknown preset"):
        get_preset("nature2016")
    with pytest.raises(UserError, match="unknown config key"):
        Config().replace(learning_rat=1e-4)
    with pytest.raises(UserError, match="replay_capacity must be positive"):
        Config().replace(replay_capacity=-5).validate()
    with pytest.raises(UserError, match="multiple of num_envs"):
        Config().replace(num_envs=3, replay_capacity=1000).validate()
