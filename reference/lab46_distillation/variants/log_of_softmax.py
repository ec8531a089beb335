"""kd_loss takes the log of a softmax instead of log_softmax (log 0 = -inf with large logits: nan)."""

def kd_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    labels: torch.Tensor | None = None,
    temperature: float = 2.0,
    alpha: float = 0.5,
    ignore_index: int = -100,
    reduction: str = "batchmean",
) -> torch.Tensor:
    if student_logits.shape != teacher_logits.shape:
        raise ValueError(f"student and teacher logits differ in shape: {tuple(student_logits.shape)} vs {tuple(teacher_logits.shape)}")
    if student_logits.dim() < 2:
        raise ValueError("logits need a class dimension: shape (..., V)")
    if labels is not None and labels.shape != student_logits.shape[:-1]:
        raise ValueError(f"labels must have shape {tuple(student_logits.shape[:-1])}, got {tuple(labels.shape)}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")

    teacher_logits = teacher_logits.detach().to(student_logits.dtype)
    log_p_s = torch.log(torch.softmax(student_logits / temperature, dim=-1))
    log_p_t = torch.log(torch.softmax(teacher_logits / temperature, dim=-1))
    # xlogy-free form: p_t * (log p_t - log p_s); p_t == 0 gives exactly 0 since log p_t is finite (log_softmax)
    soft = temperature**2 * (log_p_t.exp() * (log_p_t - log_p_s)).sum(dim=-1)

    if labels is None:
        per_position = soft
        valid = torch.ones_like(soft, dtype=torch.bool)
    else:
        valid = labels != ignore_index
        safe = torch.where(valid, labels, torch.zeros_like(labels)).long()
        hard = -F.log_softmax(student_logits, dim=-1).gather(-1, safe.unsqueeze(-1)).squeeze(-1)
        per_position = alpha * soft + (1.0 - alpha) * hard
    per_position = torch.where(valid, per_position, torch.zeros_like(per_position))

    if reduction == "none":
        return per_position
    total = per_position.sum()
    if reduction == "sum":
        return total
    return total / max(int(valid.sum()), 1)
