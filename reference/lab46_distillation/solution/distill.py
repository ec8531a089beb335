"""Lab 46: knowledge distillation (Hinton, Vinyals and Dean, 2015).

A small *student* learns from a fixed *teacher*: besides (or instead of)
the hard labels, it matches the teacher's whole output distribution,
softened by a temperature.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

REDUCTIONS = ("batchmean", "sum", "none")


def kd_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    labels: torch.Tensor | None = None,
    temperature: float = 2.0,
    alpha: float = 0.5,
    ignore_index: int = -100,
    reduction: str = "batchmean",
) -> torch.Tensor:
    """The knowledge-distillation loss of Hinton et al. (2015).

    ``student_logits`` and ``teacher_logits`` are float tensors of the same
    shape ``(..., V)``: ``(N, V)`` for N examples or ``(B, S, V)`` for B
    sequences of S positions (any number of leading dimensions); every
    position (every index of the leading dimensions) is one prediction over
    V classes. ``labels`` is None or an integer tensor of the leading shape
    (``(N,)`` or ``(B, S)``) with values in ``[0, V)`` or ``ignore_index``.

    Per position i, with T = ``temperature``, p_t = softmax(teacher / T) and
    p_s = softmax(student / T) (both over the last dimension):

    * soft term: ``soft_i = T**2 * KL(p_t || p_s) = T**2 * sum_v p_t[v] * (log p_t[v] - log p_s[v])``
      (the KL of the student from the teacher, the direction of
      ``F.kl_div(log p_s, p_t)``); the factor ``T**2`` keeps its gradients
      on the same scale as the hard term's whatever T is: the gradient of
      ``soft_i`` with respect to the student's logits is
      ``T * (p_s - p_t)``;
    * hard term: ``hard_i = -log softmax(student)[labels_i]``, the
      ordinary cross-entropy at temperature 1 (never at T);
    * ``loss_i = alpha * soft_i + (1 - alpha) * hard_i``: ``alpha`` weighs
      the soft (teacher) term, ``1 - alpha`` the hard-label term.
      ``alpha=1`` is pure distillation, ``alpha=0`` plain hard-label
      training.

    With ``labels=None`` there is no hard term and the loss is the soft term
    alone, ``loss_i = soft_i`` (``alpha`` is then still checked but not
    used). With labels, positions whose label equals ``ignore_index`` count
    in NEITHER term: they add nothing and are not counted in the mean.

    ``reduction``:

    * ``"batchmean"`` (default): the sum of ``loss_i`` over the counted
      positions divided by their number M (all positions without labels;
      those not ignored with labels); 0 when M == 0 (a zero that still
      depends on ``student_logits``, so backward works);
    * ``"sum"``: the sum over the counted positions;
    * ``"none"``: ``loss_i`` per position, a tensor of the leading shape,
      0 at ignored positions.

    The result has the dtype of ``student_logits`` (float32 or float64),
    a 0-d tensor unless ``reduction="none"``.

    Numerically stable: use ``log_softmax`` (never the log of a softmax),
    so logits of magnitude 1e4 give finite, correct values. A position
    where the teacher gives a class probability 0 contributes 0 for it.

    The teacher is a constant: no gradient ever reaches ``teacher_logits``
    (detach it), even when it requires grad.

    Raises ``ValueError`` when the two logit tensors differ in shape or
    have fewer than 2 dimensions, when ``labels`` is given with a shape other
    than ``student_logits.shape[:-1]``, when ``temperature <= 0``, when
    ``alpha`` is outside ``[0, 1]``, or when ``reduction`` is not one of
    ``"batchmean"``, ``"sum"``, ``"none"``.
    """
    if student_logits.shape != teacher_logits.shape:
        raise ValueError(f"student and teacher logits differ in shape: {tuple(student_logits.shape)} vs {tuple(teacher_logits.shape)}")
    if student_logits.dim() < 2:
        raise ValueError("logits need a class dimension: shape (..., V)")
    lead = student_logits.shape[:-1]
    if labels is not None and labels.shape != lead:
        raise ValueError(f"labels must have shape {tuple(lead)}, got {tuple(labels.shape)}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")

    teacher_logits = teacher_logits.detach().to(student_logits.dtype)
    log_p_s = F.log_softmax(student_logits / temperature, dim=-1)
    log_p_t = F.log_softmax(teacher_logits / temperature, dim=-1)
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
    if reduction == "batchmean":
        return total / max(int(valid.sum()), 1)
    return total


def agreement(student_logits: torch.Tensor, teacher_logits: torch.Tensor, mask: torch.Tensor | None = None) -> float:
    """Top-1 agreement: the fraction of positions where the student's arg-max class is the teacher's.

    Logits as in ``kd_loss`` (same shape ``(..., V)``). ``mask`` is None
    (every position counts) or a tensor of the leading shape
    ``logits.shape[:-1]``, bool or 0/1 numbers (int or float): only
    positions where it is True / non-zero count, e.g. ``labels != -100``.
    The arg-max is ``torch.argmax`` (the first index among ties). Returns a
    Python float in [0, 1].

    Raises ``ValueError`` when the logits differ in shape, when the mask's
    shape is not the leading shape, or when no position counts.
    """
    if student_logits.shape != teacher_logits.shape:
        raise ValueError("student and teacher logits differ in shape")
    same = student_logits.argmax(dim=-1) == teacher_logits.argmax(dim=-1)
    if mask is None:
        mask = torch.ones_like(same)
    if mask.shape != same.shape:
        raise ValueError(f"mask must have shape {tuple(same.shape)}, got {tuple(mask.shape)}")
    mask = mask.bool()
    count = int(mask.sum())
    if not count:
        raise ValueError("the mask selects no position")
    return int((same & mask).sum()) / count


def make_mlp(in_dim: int, hidden: int, n_classes: int, dropout: float = 0.0, seed: int = 0) -> nn.Sequential:
    """A one-hidden-layer classifier, built reproducibly.

    Returns ``nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, n_classes))``
    with PyTorch's default initialisation, drawn after ``torch.manual_seed(seed)``
    inside ``torch.random.fork_rng()`` so that the caller's global random
    state is left as it was. Same arguments, same weights. The module is
    returned in training mode (PyTorch's default).
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, n_classes))


def make_data(teacher: nn.Module, n: int, in_dim: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """A data set labelled by the teacher, with noise.

    With ``g = torch.Generator().manual_seed(seed)``: inputs
    ``x = torch.randn(n, in_dim, generator=g)`` (float32), then labels drawn
    from the teacher's predictive distribution,
    ``y = torch.multinomial(softmax(teacher(x)), 1, generator=g).squeeze(1)``
    (int64, shape ``(n,)``), with the teacher in eval mode and under
    ``torch.no_grad()``. The teacher is left in eval mode. Returns ``(x, y)``.
    """
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, in_dim, generator=g)
    teacher.eval()
    with torch.no_grad():
        probs = torch.softmax(teacher(x), dim=1)
    y = torch.multinomial(probs, 1, generator=g).squeeze(1)
    return x, y


def distill(
    teacher: nn.Module,
    student: nn.Module,
    inputs: torch.Tensor,
    labels: torch.Tensor,
    steps: int = 300,
    batch_size: int = 64,
    lr: float = 1e-2,
    temperature: float = 2.0,
    alpha: float = 0.5,
    seed: int = 0,
) -> list[float]:
    """Train ``student`` to imitate ``teacher`` with ``kd_loss``; return the loss of every step.

    The procedure, exactly:

    1. ``teacher.eval()`` (dropout off: the teacher's targets are
       deterministic) and ``student.train()``; both stay in these modes
       after the call.
    2. One ``torch.optim.Adam(student.parameters(), lr=lr)`` for the whole
       run (the teacher's parameters are never given to it) and one
       ``g = torch.Generator().manual_seed(seed)``.
    3. ``steps`` times: ``idx = torch.randint(len(inputs), (batch_size,), generator=g)``;
       the teacher's logits on ``inputs[idx]`` under ``torch.no_grad()``;
       ``loss = kd_loss(student(inputs[idx]), teacher_logits, labels[idx],
       temperature=temperature, alpha=alpha)``; ``zero_grad``, ``backward``,
       ``step``; record ``loss.item()``.

    The teacher's weights never change. ``alpha=0`` gives the hard-label
    baseline. Returns the ``steps`` losses (Python floats), in order; the
    student is trained in place. Raises ``ValueError`` when ``steps < 1``,
    ``batch_size < 1`` or ``len(inputs) != len(labels)``.
    """
    if steps < 1 or batch_size < 1:
        raise ValueError("steps and batch_size must be >= 1")
    if len(inputs) != len(labels):
        raise ValueError("inputs and labels differ in length")
    teacher.eval()
    student.train()
    optimizer = torch.optim.Adam(student.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        idx = torch.randint(len(inputs), (batch_size,), generator=g)
        x, y = inputs[idx], labels[idx]
        with torch.no_grad():
            teacher_logits = teacher(x)
        loss = kd_loss(student(x), teacher_logits, y, temperature=temperature, alpha=alpha)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
