"""dpo_loss applies beta twice: the rewards already carry beta, and the loss multiplies their difference by beta again."""


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1, *, reduction="mean"):
    inputs = (policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps)
    if any(x.dim() != 1 or x.shape != policy_chosen_logps.shape for x in inputs) or policy_chosen_logps.numel() == 0:
        raise ValueError("bad shapes")
    if not beta > 0:
        raise ValueError("bad beta")
    if reduction not in REDUCTIONS:
        raise ValueError("bad reduction")
    chosen_rewards = beta * (policy_chosen_logps - reference_chosen_logps)
    rejected_rewards = beta * (policy_rejected_logps - reference_rejected_logps)
    losses = -F.logsigmoid(beta * (chosen_rewards - rejected_rewards))
    loss = losses.mean() if reduction == "mean" else losses.sum() if reduction == "sum" else losses
    return loss, chosen_rewards.detach(), rejected_rewards.detach()
