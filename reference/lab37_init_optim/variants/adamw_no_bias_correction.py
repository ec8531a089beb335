"""AdamW without bias correction of the moments."""

import math

import torch


def adamw_step(
    params: Sequence[torch.Tensor],
    grads: Sequence[torch.Tensor],
    state: dict,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
) -> tuple[list[torch.Tensor], dict]:
    beta1, beta2 = betas
    if lr < 0 or eps < 0 or weight_decay < 0:
        raise ValueError("lr, eps and weight_decay must be >= 0")
    if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
        raise ValueError(f"betas must lie in [0, 1), got {betas}")
    _check_lists(params, grads)
    step = state.get("step", 0) + 1
    exp_avgs = state.get("exp_avg") or [torch.zeros_like(p) for p in params]
    exp_avg_sqs = state.get("exp_avg_sq") or [torch.zeros_like(p) for p in params]
    max_sqs = state.get("max_exp_avg_sq") or [torch.zeros_like(p) for p in params]
    bias_correction1 = 1.0
    bias_correction2_sqrt = 1.0
    step_size = lr / bias_correction1
    new_params, new_m, new_v, new_max = [], [], [], []
    for p, g, m, v, v_max in zip(params, grads, exp_avgs, exp_avg_sqs, max_sqs):
        p = p * (1 - lr * weight_decay)
        m = torch.lerp(m, g, 1 - beta1)
        v = v * beta2 + (1 - beta2) * g * g
        if amsgrad:
            v_max = torch.maximum(v_max, v)
            new_max.append(v_max)
        denom = (v_max if amsgrad else v).sqrt() / bias_correction2_sqrt + eps
        new_params.append(torch.addcdiv(p, m, denom, value=-step_size))
        new_m.append(m)
        new_v.append(v)
    new_state = {"step": step, "exp_avg": new_m, "exp_avg_sq": new_v}
    if amsgrad:
        new_state["max_exp_avg_sq"] = new_max
    return new_params, new_state
