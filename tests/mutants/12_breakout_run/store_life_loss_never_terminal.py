"""store takes only game over as terminal and drops the lost lives: the Nature agent no longer learns
that losing a life ends the rewards it could have had."""

CAUGHT_BY = ["test_store"]


def store(agent, frames, actions, rewards, terminated, truncated, life_lost):
    c = agent.config
    learning_rewards = clip_rewards(rewards) if c.clip_rewards else rewards
    agent.memory.add(frames, actions, learning_rewards, terminated, terminated | truncated)
