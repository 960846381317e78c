"""learn syncs the target every target_sync_every *updates*, as the Nature paper's table words it, not every
target_sync_every agent steps as DeepMind's code (and the config) counts: four times too rarely at update_every 4."""

CAUGHT_BY = ["test_learn"]


def learn(agent):
    c = agent.config
    for step in range(agent.learned_until + 1, agent.step + 1):
        if should_update(step, c.learning_starts, c.update_every):
            agent.update(agent.memory.sample(c.batch_size))
            agent.updates += 1
            if agent.target is not None and is_sync_step(agent.updates, c.target_sync_every):
                sync_target(agent.target, agent.online)
    agent.learned_until = agent.step
