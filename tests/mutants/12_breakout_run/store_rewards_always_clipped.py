"""store clips the rewards whatever config.clip_rewards says: a config that turns clipping off (CartPole's,
or an ablation) still learns from clipped rewards."""

CAUGHT_BY = ["test_store"]


def store(agent, frames, actions, rewards, terminated, truncated, life_lost):
    c = agent.config
    terminal = terminated | (life_lost & c.terminal_on_life_loss)
    agent.memory.add(frames, actions, clip_rewards(rewards), terminal, terminated | truncated)
