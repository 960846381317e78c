"""learn syncs the target without asking whether there is one: the 2013 agent (no target network,
agent.target is None) crashes at the first sync step."""

CAUGHT_BY = ["test_learn"]


def learn(agent):
    c = agent.config
    for step in range(agent.learned_until + 1, agent.step + 1):
        if should_update(step, c.learning_starts, c.update_every):
            agent.update(agent.memory.sample(c.batch_size))
            agent.updates += 1
        if is_sync_step(step, c.target_sync_every):
            sync_target(agent.target, agent.online)
    agent.learned_until = agent.step
