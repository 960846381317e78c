"""learn loops over np.arange(...) of the steps and sets agent.learned_until to the last one: the values are
right, but agent.learned_until becomes a numpy.int64, which the checkpoint's JSON cannot write."""

CAUGHT_BY = ["test_learn"]


def learn(agent):
    c = agent.config
    for step in np.arange(agent.learned_until + 1, agent.step + 1):
        if should_update(step, c.learning_starts, c.update_every):
            agent.update(agent.memory.sample(c.batch_size))
            agent.updates += 1
        if agent.target is not None and is_sync_step(step, c.target_sync_every):
            sync_target(agent.target, agent.online)
        agent.learned_until = step
