"""dqn_loss computes the targets itself and forgets the terminal mask: it bootstraps from the next state
even when the game (or, during training, a life) ended, so the agent believes losing a life is followed
by more reward and never learns that it is bad."""

CAUGHT_BY = ["test_dqn_loss", "test_update_step"]


def dqn_loss(online, target, batch, gamma, loss):
    with torch.no_grad():
        targets = batch.rewards + gamma * target(batch.next_observations).max(dim=1).values
    q_taken = online(batch.observations).gather(1, batch.actions.unsqueeze(1)).squeeze(1)
    return loss(targets - q_taken), q_taken.detach()
