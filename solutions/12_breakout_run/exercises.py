"""Chapter 12, the full Breakout run: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch12` (or `make grade CH=12`).

Exercises 12.1 to 12.3 are the three steps of the training loop, `dqn_tutorial/dqn.py`: act, store,
learn. `dqn-tutorial train --impl chapters` runs the agent with yours.
"""

from __future__ import annotations

import numpy as np

from dqn_tutorial.dqn import Agent
from dqn_tutorial.exploration import epsilon_greedy, q_values
from dqn_tutorial.schedules import epsilon_at, is_sync_step, should_update
from dqn_tutorial.target_network import sync_target
from dqn_tutorial.update import clip_rewards


def act(agent: Agent, observations) -> np.ndarray:
    """Exercise 12.1: the agent's epsilon-greedy actions for a batch of observations, one per emulator.

    `agent` is a `dqn_tutorial.dqn.Agent`: its `config` (learning_starts, epsilon_start, epsilon_end,
    epsilon_decay_steps), `step` (agent steps taken so far, all emulators together), `online` (the
    Q-network, on any device), `num_actions` and `rng` (the agent's np.random.Generator). `observations`
    is a batch (num_envs, ...) as the network takes it: a numpy array, or a tensor (the fast engine's
    stacks), on the CPU or on the network's device.

    Returns an int64 numpy array (num_envs,): epsilon-greedy actions (Chapter 6) with the epsilon of
    agent step `agent.step` (random play until learning starts, then the linear schedule counted from
    learning_starts; Chapter 6). Every random number comes from `agent.rng`, drawn exactly as Chapter
    6's epsilon_greedy draws them, so a seed replays a run; no global generator (np.random, random,
    torch) is touched. While epsilon is 1 the network is not run at all (every action is random
    whatever the Q-values); otherwise it runs once, on the whole batch, with no gradients.
    Change nothing of the agent but the state of its rng: not its counters, not the network's weights
    or the train/eval mode of any of its layers, not the memory; leave `observations` as they are.
    """
    ### BEGIN SOLUTION
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        values = q_values(agent.online, observations)
    return epsilon_greedy(values, epsilon, agent.rng)
    ### END SOLUTION


def store(agent: Agent, frames, actions, rewards, terminated, truncated, life_lost) -> None:
    """Exercise 12.2: write one agent step of every emulator to the replay memory, `agent.memory`.

    frames: (num_envs, *frame) the newest frame of each observation the actions were taken in;
    actions: (num_envs,) the actions played; rewards: (num_envs,) the real game points of the step;
    terminated, truncated, life_lost: (num_envs,) bool, the game is over, the game was cut by the time
    limit, a life was lost in this step.

    Call `agent.memory.add(frame, action, reward, terminal, episode_end)` once (Chapter 5's
    `ReplayMemory.add`), each argument with num_envs rows:
    - reward: what the agent learns from: the rewards clipped to [-1, 1] (Chapter 7) when
      `agent.config.clip_rewards`, the game's points as they are otherwise;
    - terminal (bool): the TD target must not bootstrap from the next state: the game is over, or a
      life was lost and `agent.config.terminal_on_life_loss` is set. A game cut by the time limit is
      not terminal: it could have gone on;
    - episode_end (bool): the emulator starts a new game after this step, whatever ended the old one.
    terminal and episode_end are bool arrays. The caller keeps using its arrays (the real scores are
    logged): leave every input unchanged. Returns None; nothing of the agent changes but its memory.
    """
    ### BEGIN SOLUTION
    c = agent.config
    learning_rewards = clip_rewards(rewards) if c.clip_rewards else rewards
    terminal = terminated | (life_lost & c.terminal_on_life_loss)
    agent.memory.add(frames, actions, learning_rewards, terminal, terminated | truncated)
    ### END SOLUTION


def learn(agent: Agent) -> None:
    """Exercise 12.3: the SGD updates and target syncs due after the agent steps played since the last call.

    `agent.step` agent steps have been played (all emulators together: one call of the loop with 16
    emulators adds 16); those up to `agent.learned_until` have had their updates and syncs already.
    Make those of every agent step after it, up to `agent.step`, in order, as if learn had been called
    after each single step: after step s, first the update due after s if there is one (Chapter 7's
    schedule, from config.learning_starts and config.update_every): `agent.update(batch)` with a batch
    from `agent.memory.sample(config.batch_size)`, counted in `agent.updates`; then, if the agent has a
    target network (`agent.target` is not None: the 2013 agent has none), the sync due after s if there
    is one (Chapter 8's schedule, config.target_sync_every): the online weights copied into the target,
    in place (the update holds that very target object). Afterwards `agent.learned_until` is
    `agent.step`, so calling again before new steps are played does nothing; the counters stay Python
    ints. Returns None; `agent.step`, the rng (and the global generators) and the network objects stay
    as they are.
    """
    ### BEGIN SOLUTION
    c = agent.config
    for step in range(agent.learned_until + 1, agent.step + 1):
        if should_update(step, c.learning_starts, c.update_every):
            agent.update(agent.memory.sample(c.batch_size))
            agent.updates += 1
        if agent.target is not None and is_sync_step(step, c.target_sync_every):
            sync_target(agent.target, agent.online)
    agent.learned_until = agent.step
    ### END SOLUTION


def find_silent_bug() -> str:
    """Exercise 12.4: the name of the one wrong function in chapters/12_breakout_run/silent_bug/buggy_train.py.

    Return the name exactly as it is written after `def` in that file (for a method, "Class.method"),
    as a string, e.g. "make_env". The script is not imported by the grader's check of your answer.
    """
    ### BEGIN SOLUTION
    # The curve stays flat and mean Q(s, a) climbs towards 1 / (1 - gamma) = 100, far above the real
    # returns: the targets never see a terminal. The replay buffer holds almost no terminal flags
    # although hundreds of games ended; play_step unpacks env.step as (obs, reward, truncated,
    # terminated, info), swapping gymnasium's two flags, so the time-limit flag became the terminal.
    return "play_step"
    ### END SOLUTION
