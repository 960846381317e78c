"""store treats a game cut by the time limit as terminal (done = terminated or truncated, the old gym
habit): the target of the last step of a long game then pretends no reward could follow."""

CAUGHT_BY = ["test_store"]


def store(agent, frames, actions, rewards, terminated, truncated, life_lost):
    c = agent.config
    learning_rewards = clip_rewards(rewards) if c.clip_rewards else rewards
    done = terminated | truncated
    agent.memory.add(frames, actions, learning_rewards, done | (life_lost & c.terminal_on_life_loss), done)
