"""reward_accuracy counts a tie (chosen reward equal to rejected) as a win: >= instead of >."""


def reward_accuracy(chosen_rewards, rejected_rewards):
    if chosen_rewards.dim() != 1 or chosen_rewards.shape != rejected_rewards.shape or chosen_rewards.numel() == 0:
        raise ValueError("bad shapes")
    return (chosen_rewards >= rejected_rewards).double().mean().item()
