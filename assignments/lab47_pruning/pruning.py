"""Lab 47: pruning.

Implement every function below; each docstring is the specification.
Magnitude pruning (layer-wise, global, iterative) with the semantics of
``torch.nn.utils.prune``, structured pruning of neurons and attention heads
by norm, the cubic sparsity schedule of Zhu & Gupta (2017), movement pruning
scores (Sanh et al., 2020), 2:4 semi-structured sparsity, and training a
pruned MLP so that the pruned weights stay exactly zero.

Every mask is a ``torch.bool`` tensor: True keeps a weight, False prunes it.
Ties between equal scores are broken by position: scores are ordered by
(score, flat index) and the first ones in that order are pruned, so among
equal scores the lower index is pruned first.

``torch.nn.utils.prune`` may not be used here (a code check costs 50
points); use it in your own tests to compare with.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch  # noqa: F401
from torch import Tensor, nn  # noqa: F401


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
    raise NotImplementedError("TODO: l1_unstructured_mask")


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
    raise NotImplementedError("TODO: global_l1_masks")


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
    raise NotImplementedError("TODO: ln_structured_mask")


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
    raise NotImplementedError("TODO: head_norms")


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
    raise NotImplementedError("TODO: head_mask")


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
    raise NotImplementedError("TODO: cubic_sparsity")


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
    raise NotImplementedError("TODO: movement_scores")


def movement_mask(scores: Tensor, amount: int | float) -> Tensor:
    """Mask pruning the ``amount`` entries of *lowest* (signed) movement score.

    Scores are not made absolute: a large negative score (a weight moving
    towards zero) is pruned first. ``amount`` follows
    ``l1_unstructured_mask``'s rules; ties: the lower flat index is pruned first.

    Returns:
        A ``torch.bool`` tensor of ``scores``' shape, True where kept.
    """
    raise NotImplementedError("TODO: movement_mask")


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
    raise NotImplementedError("TODO: two_four_mask")


def is_two_four(weight: Tensor) -> bool:
    """Whether a 2-D ``weight`` follows the 2:4 pattern.

    True when every group of 4 consecutive entries along the input dimension
    (as ``two_four_mask``) has at most 2 non-zero entries.

    Raises:
        ValueError: ``weight`` is not 2-D or ``in`` is not a multiple of 4.
    """
    raise NotImplementedError("TODO: is_two_four")


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
    raise NotImplementedError("TODO: train_masked")
