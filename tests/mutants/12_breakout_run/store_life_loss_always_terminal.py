"""store makes every lost life terminal, ignoring config.terminal_on_life_loss: a config that turns the
Nature trick off still cuts its targets at every lost life."""

CAUGHT_BY = ["test_store"]


def store(agent, frames, actions, rewards, terminated, truncated, life_lost):
    c = agent.config
    learning_rewards = clip_rewards(rewards) if c.clip_rewards else rewards
    agent.memory.add(frames, actions, learning_rewards, terminated | life_lost, terminated | truncated)
