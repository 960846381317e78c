"""store ORs the lost lives into `terminated` in place (|=): the caller's flags now say a game ended at
every lost life, so its episode count and scores are wrong."""

CAUGHT_BY = ["test_store"]


def store(agent, frames, actions, rewards, terminated, truncated, life_lost):
    c = agent.config
    learning_rewards = clip_rewards(rewards) if c.clip_rewards else rewards
    episode_end = terminated | truncated
    if c.terminal_on_life_loss:
        terminated |= life_lost
    agent.memory.add(frames, actions, learning_rewards, terminated, episode_end)
