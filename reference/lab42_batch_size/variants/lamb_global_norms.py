"""One trust ratio for all tensors: the norms are global (all weights, all updates) instead of per tensor."""


def lamb_step(params, grads, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01):
    _check_hyper(lr, betas, eps, weight_decay)
    _check_lists(params, grads)
    beta1, beta2 = betas
    step = state.get("step", 0) + 1
    exp_avgs = state.get("exp_avg") or [torch.zeros_like(p) for p in params]
    exp_avg_sqs = state.get("exp_avg_sq") or [torch.zeros_like(p) for p in params]
    bc1, bc2 = 1 - beta1**step, 1 - beta2**step
    new_m, new_v, rs = [], [], []
    for w, g, m, v in zip(params, grads, exp_avgs, exp_avg_sqs):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        rs.append((m / bc1) / ((v / bc2).sqrt() + eps) + weight_decay * w)
        new_m.append(m)
        new_v.append(v)
    w_norm = math.sqrt(sum(float(w.double().pow(2).sum()) for w in params))
    r_norm = math.sqrt(sum(float(r.double().pow(2).sum()) for r in rs))
    ratio = w_norm / r_norm if w_norm > 0 and r_norm > 0 else 1.0
    new_params = [w - (lr * ratio) * r for w, r in zip(params, rs)]
    return new_params, {"step": step, "exp_avg": new_m, "exp_avg_sq": new_v, "trust_ratio": [ratio] * len(params)}
