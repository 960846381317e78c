"""learn loops over range(agent.learned_until, agent.step), Python's habit of excluding the end: it asks
again about a step already learned from and leaves the newest step for the next call."""

CAUGHT_BY = ["test_learn"]


def learn(agent):
    c = agent.config
    for step in range(agent.learned_until, agent.step):
        if should_update(step, c.learning_starts, c.update_every):
            agent.update(agent.memory.sample(c.batch_size))
            agent.updates += 1
        if agent.target is not None and is_sync_step(step, c.target_sync_every):
            sync_target(agent.target, agent.online)
    agent.learned_until = agent.step
