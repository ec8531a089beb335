"""Lab 47: pruning.

Magnitude pruning (layer-wise, global, iterative) with the semantics of
``torch.nn.utils.prune``, structured pruning of neurons and attention heads
by norm, the cubic sparsity schedule of Zhu & Gupta (2017), movement pruning
scores (Sanh et al., 2020), 2:4 semi-structured sparsity, and training a
pruned MLP so that the pruned weights stay exactly zero.

Every mask is a ``torch.bool`` tensor: True keeps a weight, False prunes it.
Ties between equal scores are broken by position: scores are ordered by
(score, flat index) and the first ones in that order are pruned, so among
equal scores the lower index is pruned first.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import torch
from torch import Tensor, nn


def _n_to_prune(amount: int | float, n: int) -> int:
    """How many of ``n`` entries ``amount`` prunes (torch's rules and errors)."""
    if isinstance(amount, bool) or not isinstance(amount, numbers.Real):
        raise TypeError(f"amount must be an int or a float, got {type(amount).__name__}")
    if isinstance(amount, numbers.Integral):
        if amount < 0 or amount > n:
            raise ValueError(f"amount={amount} must lie in [0, {n}]")
        return int(amount)
    if not 0.0 <= amount <= 1.0:
        raise ValueError(f"a fractional amount must lie in [0, 1], got {amount}")
    return round(amount * n)


def _keep_mask(scores: Tensor, k: int) -> Tensor:
    """Bool mask of ``scores``' shape pruning the ``k`` lowest scores (ties: lower index first)."""
    flat = scores.reshape(-1)
    keep = torch.ones(flat.numel(), dtype=torch.bool)
    keep[torch.argsort(flat, stable=True)[:k]] = False
    return keep.reshape(scores.shape)


def l1_unstructured_mask(weight: Tensor, amount: int | float, mask: Tensor | None = None) -> Tensor:
    """Mask pruning the ``amount`` smallest-magnitude entries of ``weight``.

    Equal to ``torch.nn.utils.prune.l1_unstructured(module, name, amount)``:
    an int ``amount`` is a count, a float ``amount`` in [0, 1] a fraction,
    rounded with Python's ``round(amount * n)`` (so 0.35 of 10 is 4, 0.25
    of 10 is 2). ``n`` is the number of entries still unpruned.

    Args:
        weight: a float tensor of any shape (not modified).
        amount: int count in [0, n] or float fraction in [0, 1].
        mask: an existing bool mask of ``weight``'s shape (True = kept), or
            None (nothing pruned yet). When given, the pruning is
            iterative, as torch's ``PruningContainer``: ``amount`` applies to
            the entries the mask keeps (``n`` is their number), pruned
            entries stay pruned, and the result combines both.

    Returns:
        A ``torch.bool`` tensor of ``weight``'s shape, True where kept. Among
        entries of equal magnitude the one with the lower flat index is
        pruned first.

    Raises:
        TypeError: ``amount`` is neither an int nor a float (a bool is refused).
        ValueError: a float ``amount`` outside [0, 1], an int ``amount`` < 0 or
            > n, or ``mask`` of another shape than ``weight``.
    """
    if mask is None:
        mask = torch.ones(weight.shape, dtype=torch.bool)
    mask = mask.bool()
    if mask.shape != weight.shape:
        raise ValueError(f"mask shape {tuple(mask.shape)} differs from weight shape {tuple(weight.shape)}")
    remaining = weight.detach()[mask].abs()
    k = _n_to_prune(amount, remaining.numel())
    new = mask.clone()
    new[mask] = _keep_mask(remaining, k)
    return new


def global_l1_masks(weights: Sequence[Tensor], amount: int | float) -> list[Tensor]:
    """Masks pruning the ``amount`` smallest magnitudes across all ``weights`` together.

    Equal to ``torch.nn.utils.prune.global_unstructured(params,
    pruning_method=prune.L1Unstructured, amount=amount)``: the magnitudes of
    all tensors are ranked together, so one layer may lose far more than
    another. ``amount`` follows ``l1_unstructured_mask``'s rules with ``n``
    the total number of entries; ties are broken by the position in the
    concatenation of the flattened tensors (lower first).

    Args:
        weights: a non-empty list of float tensors (any shapes).
        amount: int count or float fraction of all entries.

    Returns:
        A list of ``torch.bool`` masks, one per weight, in order, of its shape.

    Raises:
        TypeError / ValueError: as ``l1_unstructured_mask`` for ``amount``;
            ValueError for an empty list.
    """
    if not weights:
        raise ValueError("weights is empty")
    flat = torch.cat([w.detach().reshape(-1).abs().double() for w in weights])
    keep = _keep_mask(flat, _n_to_prune(amount, flat.numel()))
    sizes = [w.numel() for w in weights]
    return [m.reshape(w.shape) for m, w in zip(torch.split(keep, sizes), weights)]


def ln_structured_mask(weight: Tensor, amount: int | float, n: int | float = 2, dim: int = 0) -> Tensor:
    """Mask pruning whole slices of ``weight`` along ``dim`` by their L``n`` norm.

    Equal to ``torch.nn.utils.prune.ln_structured(module, name, amount, n,
    dim)``: slice ``i`` is ``weight.select(dim, i)``, its score the
    ``n``-norm of all its entries (``torch.linalg.vector_norm``, so
    ``n=float('inf')`` is the largest magnitude); the ``amount`` slices with
    the lowest scores are pruned entirely. ``dim=0`` on an ``nn.Linear``
    weight of shape (out, in) prunes output neurons (rows); ``dim=1`` prunes
    input features (columns). ``amount`` follows ``l1_unstructured_mask``'s
    rules with ``n`` replaced by ``weight.shape[dim]``.

    Args:
        weight: a float tensor with at least 2 dimensions.
        amount: int count or float fraction of the slices.
        n: the norm's order (1, 2, ``float('inf')``, ...).
        dim: the dimension whose slices are pruned; negative values count
            from the end.

    Returns:
        A ``torch.bool`` tensor of ``weight``'s shape, constant on each slice.

    Raises:
        TypeError / ValueError: as ``l1_unstructured_mask`` for ``amount``;
            IndexError when ``dim`` is out of range.
    """
    dim = dim % weight.dim() if -weight.dim() <= dim < weight.dim() else None
    if dim is None:
        raise IndexError("dim out of range")
    other = [d for d in range(weight.dim()) if d != dim]
    norms = torch.linalg.vector_norm(weight.detach(), ord=n, dim=other)
    keep = _keep_mask(norms, _n_to_prune(amount, weight.shape[dim]))
    shape = [1] * weight.dim()
    shape[dim] = -1
    return keep.reshape(shape).expand(weight.shape).clone()


def head_norms(weight: Tensor, n_heads: int) -> Tensor:
    """L2 norm of each attention head's slice of a q, k or v projection.

    ``weight`` is an ``nn.Linear`` weight of shape (n_heads * d_head, d_in);
    head ``h`` owns the rows ``h * d_head : (h + 1) * d_head`` (the layout
    of ``nn.MultiheadAttention`` and GPT-2 after the split into heads). Its
    norm is the Frobenius norm of those rows.

    Returns:
        A float tensor of shape (n_heads,), in ``weight``'s dtype.

    Raises:
        ValueError: ``weight`` is not 2-D, ``n_heads`` < 1, or
            ``weight.shape[0]`` is not a multiple of ``n_heads``.
    """
    if weight.dim() != 2:
        raise ValueError("weight must be 2-D (n_heads * d_head, d_in)")
    if n_heads < 1 or weight.shape[0] % n_heads != 0:
        raise ValueError("the rows of weight cannot be split into n_heads heads")
    return torch.linalg.vector_norm(weight.detach().reshape(n_heads, -1), dim=1)


def head_mask(weight: Tensor, n_heads: int, amount: int | float) -> Tensor:
    """Mask pruning the heads of smallest ``head_norms`` in a q, k or v projection.

    ``amount`` follows ``l1_unstructured_mask``'s rules with ``n`` =
    ``n_heads`` (an int is a number of heads). Ties: the lower head index is
    pruned first.

    Returns:
        A ``torch.bool`` tensor of ``weight``'s shape: the rows of a pruned
        head are all False, the others all True.

    Raises:
        as ``head_norms``, and TypeError / ValueError for ``amount``.
    """
    keep = _keep_mask(head_norms(weight, n_heads), _n_to_prune(amount, n_heads))
    return keep.repeat_interleave(weight.shape[0] // n_heads)[:, None].expand(weight.shape).clone()


def cubic_sparsity(
    step: int,
    initial_sparsity: float,
    final_sparsity: float,
    begin_step: int,
    n_updates: int,
    frequency: int = 1,
) -> float:
    """The cubic sparsity schedule of Zhu & Gupta (2017).

    With ``t0 = begin_step``, ``dt = frequency`` and ``n = n_updates``, the
    sparsity is updated at the steps ``t0, t0 + dt, ..., t0 + n * dt``:

        s(t) = s_f + (s_i - s_f) * (1 - (t - t0) / (n * dt)) ** 3

    Between two update steps it keeps the value of the last update, i.e.
    ``t`` is replaced by ``t0 + dt * floor((step - t0) / dt)``. Before
    ``t0`` it is ``s_i``; from ``t0 + n * dt`` on it is ``s_f``.

    Args:
        step: the training step (any int, also negative).
        initial_sparsity, final_sparsity: ``s_i`` and ``s_f``, in [0, 1].
        begin_step: ``t0``.
        n_updates: ``n`` >= 1.
        frequency: ``dt`` >= 1.

    Returns:
        A Python float.

    Raises:
        ValueError: a sparsity outside [0, 1], ``n_updates`` < 1 or ``frequency`` < 1.
    """
    for s in (initial_sparsity, final_sparsity):
        if not 0.0 <= s <= 1.0:
            raise ValueError(f"sparsity {s} outside [0, 1]")
    if n_updates < 1 or frequency < 1:
        raise ValueError("n_updates and frequency must be >= 1")
    if step < begin_step:
        return float(initial_sparsity)
    t = min((step - begin_step) // frequency, n_updates)
    return float(final_sparsity + (initial_sparsity - final_sparsity) * (1.0 - t / n_updates) ** 3)


def movement_scores(weights: Sequence[Tensor], grads: Sequence[Tensor]) -> Tensor:
    """Accumulated movement pruning scores (Sanh et al., 2020).

    ``S = -sum_t weights[t] * grads[t]`` (element-wise), with ``weights[t]``
    the weight at step ``t`` and ``grads[t]`` the loss gradient there: a
    weight moving away from zero (``W`` and ``-grad`` of the same sign)
    gains score.

    Args:
        weights: a non-empty list of T float tensors of one shape.
        grads: a list of T float tensors of that shape.

    Returns:
        A float tensor of that shape (dtype of the inputs).

    Raises:
        ValueError: the lists are empty or of different lengths, or shapes differ.
    """
    if not weights or len(weights) != len(grads):
        raise ValueError("weights and grads must be non-empty lists of equal length")
    shape = weights[0].shape
    if any(w.shape != shape for w in weights) or any(g.shape != shape for g in grads):
        raise ValueError("all weights and grads must share one shape")
    scores = torch.zeros_like(weights[0])
    for w, g in zip(weights, grads):
        scores -= w * g
    return scores


def movement_mask(scores: Tensor, amount: int | float) -> Tensor:
    """Mask pruning the ``amount`` entries of *lowest* (signed) movement score.

    Scores are not made absolute: a large negative score (a weight moving
    towards zero) is pruned first. ``amount`` follows
    ``l1_unstructured_mask``'s rules; ties: the lower flat index is pruned first.

    Returns:
        A ``torch.bool`` tensor of ``scores``' shape, True where kept.
    """
    return _keep_mask(scores.detach(), _n_to_prune(amount, scores.numel()))


def two_four_mask(weight: Tensor) -> Tensor:
    """2:4 semi-structured mask of a 2-D weight of shape (out, in).

    Each row is cut into groups of 4 consecutive entries along the input
    dimension (columns ``4g .. 4g + 3``); in every group the 2 entries of
    largest magnitude are kept. Ties: the lower column index is kept.

    Returns:
        A ``torch.bool`` tensor of ``weight``'s shape with exactly 2 True in
        every group.

    Raises:
        ValueError: ``weight`` is not 2-D or ``in`` is not a multiple of 4.
    """
    if weight.dim() != 2 or weight.shape[1] % 4 != 0:
        raise ValueError("weight must be 2-D with a number of columns divisible by 4")
    groups = weight.detach().abs().reshape(weight.shape[0], -1, 4)
    mine, other = groups[..., :, None], groups[..., None, :]      # [..., i, j]: entry i against entry j
    idx = torch.arange(4)
    earlier = idx[None, :] < idx[:, None]                          # [i, j]: j comes before i
    beaten_by = torch.where(other == mine, earlier, other > mine)  # [i, j]: j ranks above i
    return (beaten_by.sum(dim=-1) < 2).reshape(weight.shape)


def is_two_four(weight: Tensor) -> bool:
    """Whether a 2-D ``weight`` follows the 2:4 pattern.

    True when every group of 4 consecutive entries along the input dimension
    (as ``two_four_mask``) has at most 2 non-zero entries.

    Raises:
        ValueError: ``weight`` is not 2-D or ``in`` is not a multiple of 4.
    """
    if weight.dim() != 2 or weight.shape[1] % 4 != 0:
        raise ValueError("weight must be 2-D with a number of columns divisible by 4")
    nonzero = (weight.reshape(weight.shape[0], -1, 4) != 0).sum(dim=-1)
    return bool((nonzero <= 2).all())


def train_masked(
    layers: Sequence[tuple[Tensor, Tensor]],
    masks: Sequence[Tensor | None],
    x: Tensor,
    y: Tensor,
    optimizer: str = "sgd",
    lr: float = 0.1,
    steps: int = 10,
    momentum: float = 0.0,
    weight_decay: float = 0.0,
) -> tuple[list[tuple[Tensor, Tensor]], list[float]]:
    """Train a pruned MLP full-batch so that its pruned weights stay exactly zero.

    The MLP is ``nn.Linear`` layers built from ``layers`` (``(weight, bias)``
    pairs, weight of shape (out, in)), with ReLU between consecutive layers
    (none after the last). Weight ``i`` is pruned by ``masks[i]`` (a bool
    tensor of its shape, True = kept; None = not pruned); biases are never
    pruned. Each of the ``steps`` steps computes the mean squared error of
    ``mlp(x)`` against ``y`` on the pruned model, back-propagates and takes
    one optimiser step, over all weights and biases:

    * ``"sgd"``: ``torch.optim.SGD(params, lr, momentum=momentum, weight_decay=weight_decay)``;
    * ``"adamw"``: ``torch.optim.AdamW(params, lr, weight_decay=weight_decay)``
      (``momentum`` is ignored).

    The effective weights are the same as with ``torch.nn.utils.prune``'s
    ``weight = weight_orig * mask``: the pruned entries stay exactly zero
    after every step, even though momentum and weight decay would move them,
    and the kept entries follow the optimiser. The inputs are not modified.

    Args:
        layers: a non-empty list of ``(weight, bias)`` float32 tensor pairs.
        masks: a list of the same length.
        x: float32 of shape (N, in of layer 0); y: float32 of shape (N, out of the last layer).
        optimizer: ``"sgd"`` or ``"adamw"``.
        lr, steps, momentum, weight_decay: as above; ``steps`` >= 0.

    Returns:
        ``(trained, losses)``: ``trained`` a list of ``(weight, bias)`` pairs
        (the effective, masked weights), ``losses`` the ``steps`` losses as
        Python floats, each computed before its step.

    Raises:
        ValueError: an unknown optimizer, ``masks`` of another length than
            ``layers``, or a mask of another shape than its weight.
    """
    if len(masks) != len(layers):
        raise ValueError("one mask (or None) per layer")
    if optimizer not in ("sgd", "adamw"):
        raise ValueError(f"unknown optimizer {optimizer!r}")
    linears, bool_masks = [], []
    for (w, b), m in zip(layers, masks):
        if m is not None and m.shape != w.shape:
            raise ValueError("mask shape differs from its weight")
        lin = nn.Linear(w.shape[1], w.shape[0])
        m = torch.ones(w.shape, dtype=torch.bool) if m is None else m.bool()
        with torch.no_grad():
            lin.weight.copy_(w * m)
            lin.bias.copy_(b)
        linears.append(lin)
        bool_masks.append(m)
    mlp = nn.Sequential(*[mod for lin in linears for mod in (lin, nn.ReLU())][:-1])
    params = list(mlp.parameters())
    opt = {
        "sgd": lambda: torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay),
        "adamw": lambda: torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay),
    }[optimizer]()
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(mlp(x), y)
        loss.backward()
        opt.step()
        with torch.no_grad():
            for lin, m in zip(linears, bool_masks):
                lin.weight.mul_(m)
        losses.append(loss.item())
    trained = [(lin.weight.detach().clone(), lin.bias.detach().clone()) for lin in linears]
    return trained, losses
