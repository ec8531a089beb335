"""dpo_loss computes -log(sigmoid(z)) directly: inf (or 0 gradient) once |z| is large, instead of the stable logsigmoid."""


def dpo_loss(policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta=0.1, *, reduction="mean"):
    inputs = (policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps)
    if any(x.dim() != 1 or x.shape != policy_chosen_logps.shape for x in inputs) or policy_chosen_logps.numel() == 0:
        raise ValueError("bad shapes")
    if not beta > 0:
        raise ValueError("bad beta")
    if reduction not in REDUCTIONS:
        raise ValueError("bad reduction")
    chosen_logratios = policy_chosen_logps - reference_chosen_logps
    rejected_logratios = policy_rejected_logps - reference_rejected_logps
    losses = -torch.log(torch.sigmoid(beta * (chosen_logratios - rejected_logratios)))
    loss = losses.mean() if reduction == "mean" else losses.sum() if reduction == "sum" else losses
    return loss, (beta * chosen_logratios).detach(), (beta * rejected_logratios).detach()
