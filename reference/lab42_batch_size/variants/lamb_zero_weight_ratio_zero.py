"""Only a zero update norm is special-cased: a zero weight tensor gets ratio 0 and never moves."""


def lamb_step(
    params: Sequence[torch.Tensor],
    grads: Sequence[torch.Tensor],
    state: dict,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-6,
    weight_decay: float = 0.01,
) -> tuple[list[torch.Tensor], dict]:
    _check_hyper(lr, betas, eps, weight_decay)
    _check_lists(params, grads)
    beta1, beta2 = betas
    step = state.get("step", 0) + 1
    exp_avgs = state.get("exp_avg") or [torch.zeros_like(p) for p in params]
    exp_avg_sqs = state.get("exp_avg_sq") or [torch.zeros_like(p) for p in params]
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    new_params, new_m, new_v, ratios = [], [], [], []
    for w, g, m, v in zip(params, grads, exp_avgs, exp_avg_sqs):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        r = (m / bias_correction1) / ((v / bias_correction2).sqrt() + eps) + weight_decay * w
        w_norm = torch.linalg.vector_norm(w).item()
        r_norm = torch.linalg.vector_norm(r).item()
        ratio = w_norm / r_norm if r_norm > 0 else 1.0
        new_params.append(w - (lr * ratio) * r)
        new_m.append(m)
        new_v.append(v)
        ratios.append(ratio)
    return new_params, {"step": step, "exp_avg": new_m, "exp_avg_sq": new_v, "trust_ratio": ratios}
