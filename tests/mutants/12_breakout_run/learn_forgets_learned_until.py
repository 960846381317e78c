"""learn makes the updates due since agent.learned_until but never moves learned_until on: every later
call makes all the earlier updates again."""

CAUGHT_BY = ["test_learn"]


def learn(agent):
    c = agent.config
    for step in range(agent.learned_until + 1, agent.step + 1):
        if should_update(step, c.learning_starts, c.update_every):
            agent.update(agent.memory.sample(c.batch_size))
            agent.updates += 1
        if agent.target is not None and is_sync_step(step, c.target_sync_every):
            sync_target(agent.target, agent.online)
