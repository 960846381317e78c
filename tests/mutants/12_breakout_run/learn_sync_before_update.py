"""learn syncs the target before the update of the same agent step: on every step due both, the target
gets the weights from before that step's update, one update behind Algorithm 1's."""

CAUGHT_BY = ["test_learn"]


def learn(agent):
    c = agent.config
    for step in range(agent.learned_until + 1, agent.step + 1):
        if agent.target is not None and is_sync_step(step, c.target_sync_every):
            sync_target(agent.target, agent.online)
        if should_update(step, c.learning_starts, c.update_every):
            agent.update(agent.memory.sample(c.batch_size))
            agent.updates += 1
    agent.learned_until = agent.step
