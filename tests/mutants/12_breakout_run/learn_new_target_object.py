"""learn "syncs" by making a fresh deep copy of the online network and putting it in agent.target: the
values are right, but the update (and the fast engine's CUDA graph) still holds the old target object,
which never moves again."""

import copy

CAUGHT_BY = ["test_learn"]


def learn(agent):
    c = agent.config
    for step in range(agent.learned_until + 1, agent.step + 1):
        if should_update(step, c.learning_starts, c.update_every):
            agent.update(agent.memory.sample(c.batch_size))
            agent.updates += 1
        if agent.target is not None and is_sync_step(step, c.target_sync_every):
            agent.target = copy.deepcopy(agent.online)
    agent.learned_until = agent.step
