"""Lab 33: LoRA, low-rank adaptation of linear layers, written from scratch.

A frozen ``nn.Linear`` with weight ``W`` (out, in) gets a trainable low-rank
update: ``y = x W^T + b + scaling * (dropout(x) A^T) B^T`` with ``A`` (r, in)
and ``B`` (out, r), ``scaling = alpha / r``. This module builds that layer,
puts it into a model in place of the linear layers whose names match given
patterns (the rules of peft's ``LoraConfig.target_modules``), freezes
everything else, counts parameters, and merges the update into ``W`` (and
takes it out again).

The model used by the tests, :class:`ToyNet`, is given: keep it as it is.
To do: every body that raises ``NotImplementedError``. You may add helpers.
Do not use peft in this file (the static check ``no_peft`` takes 50 points
off): use it outside, to check your work.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

# ---- the model (given: keep it as it is) ------------------------------------------------------------


class _ToyAttention(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.q_proj, self.k_proj, self.v_proj = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.scaled_dot_product_attention(self.q_proj(x), self.k_proj(x), self.v_proj(x), is_causal=True)
        return self.proj(y)


class _ToyBlock(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = _ToyAttention(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ToyNet(nn.Module):
    """A tiny single-head causal language model (given: keep it as it is).

    Modules (``named_modules`` names): ``embed`` (Embedding), ``blocks.{i}``
    with ``norm1``, ``norm2`` (LayerNorm), ``attn.q_proj``, ``attn.k_proj``,
    ``attn.v_proj``, ``attn.proj`` (Linear dim -> dim), ``mlp.0`` (Linear
    dim -> hidden), ``mlp.1`` (GELU), ``mlp.2`` (Linear hidden -> dim); then
    ``norm`` (LayerNorm) and ``head`` (Linear dim -> vocab_size, no bias).
    ``forward(ids)`` maps int64 ids (batch, seq) to logits (batch, seq, vocab_size).
    """

    def __init__(self, vocab_size: int = 50, dim: int = 16, hidden: int = 32, n_blocks: int = 2) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.blocks = nn.ModuleList(_ToyBlock(dim, hidden) for _ in range(n_blocks))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab_size, bias=False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


# ---- 1. the LoRA layer --------------------------------------------------------------------------------


def lora_scaling(r: int, alpha: float, use_rslora: bool = False) -> float:
    """The factor that multiplies the low-rank update: ``alpha / r``, or ``alpha / sqrt(r)``
    with ``use_rslora=True`` (rank-stabilised LoRA).

    Raises ``ValueError`` unless ``r`` is a positive ``int``.
    """
    raise NotImplementedError("TODO: alpha / r, or alpha / sqrt(r); ValueError for a bad r")


def lora_forward(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    lora_A: torch.Tensor,
    lora_B: torch.Tensor,
    scaling: float,
) -> torch.Tensor:
    """The LoRA forward pass without dropout (the timed kernel).

    ``x`` (..., in), ``weight`` (out, in), ``bias`` (out,) or ``None``,
    ``lora_A`` (r, in), ``lora_B`` (out, r): returns
    ``x @ weight.T + bias + scaling * (x @ lora_A.T) @ lora_B.T``, shape (..., out),
    differentiable in every tensor argument. Never form the (out, in) product
    ``lora_B @ lora_A``: going through the rank-``r`` bottleneck costs
    ``r * (in + out)`` per row instead of ``in * out``, so the unmerged layer is
    barely slower than the merged one.
    """
    raise NotImplementedError("TODO: base matmul + scaling * (x A^T) B^T")


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update.

    Attributes: ``base`` (the ``nn.Linear``, its parameters frozen:
    ``requires_grad=False``), ``lora_A`` (an ``nn.Parameter`` of shape (r, in),
    initialised like ``nn.init.kaiming_uniform_(A, a=math.sqrt(5))``, i.e. uniform
    in ``±1/sqrt(in_features)``), ``lora_B`` (an ``nn.Parameter`` (out, r),
    initialised to zeros, so that a new layer computes exactly what ``base``
    computes), ``dropout`` (``nn.Dropout(dropout)``), ``in_features``, ``out_features``, ``r``, ``alpha``,
    ``scaling`` (:func:`lora_scaling`) and ``merged`` (``False`` at first).
    ``lora_A`` and ``lora_B`` have the dtype and device of ``base.weight``.
    The ``state_dict`` keys are ``base.weight``, ``base.bias`` (when there is a
    bias), ``lora_A`` and ``lora_B``.

    Raises ``ValueError`` unless ``r`` is a positive int and ``0 <= dropout < 1``.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        r: int = 8,
        alpha: float = 8.0,
        dropout: float = 0.0,
        *,
        bias: bool = True,
        use_rslora: bool = False,
    ) -> None:
        """A new layer around a fresh ``nn.Linear(in_features, out_features, bias=bias)``."""
        raise NotImplementedError("TODO: build base, lora_A, lora_B, dropout, the attributes; freeze base; initialise")

    @classmethod
    def from_linear(
        cls, linear: nn.Linear, r: int = 8, alpha: float = 8.0, dropout: float = 0.0, *, use_rslora: bool = False
    ) -> LoRALinear:
        """Wrap an existing ``nn.Linear`` (kept as ``base``, the same object, its
        parameters frozen); ``lora_A`` and ``lora_B`` are initialised as above."""
        raise NotImplementedError("TODO: wrap the given linear layer")

    def reset_lora_parameters(self) -> None:
        """Re-initialise ``lora_A`` (Kaiming-uniform, ``a=sqrt(5)``) and ``lora_B`` (zeros)
        from torch's global random generator."""
        raise NotImplementedError("TODO: kaiming_uniform_(a=sqrt(5)) for A, zeros for B")

    def delta_weight(self) -> torch.Tensor:
        """The update ``scaling * lora_B @ lora_A``, shape (out, in)."""
        raise NotImplementedError("TODO: scaling * B @ A")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``base(x) + scaling * lora_B(lora_A(dropout(x)))``: dropout acts on the input of
        ``lora_A`` only (not on the base path), and only in training mode. When merged,
        just ``base(x)`` (the update is already in its weight)."""
        raise NotImplementedError("TODO: base(x) + scaling * B(A(dropout(x))), or base(x) when merged")

    @torch.no_grad()
    def merge(self) -> bool:
        """Add :meth:`delta_weight` to ``base.weight`` in place and set ``merged``.
        Returns ``True``; a layer already merged is left as it is and ``False`` returned."""
        raise NotImplementedError("TODO: W += delta_weight() once")

    @torch.no_grad()
    def unmerge(self) -> bool:
        """Subtract :meth:`delta_weight` from ``base.weight`` (undoing :meth:`merge`, up to
        rounding) and clear ``merged``. Returns ``True``; a layer that is not merged is left
        as it is and ``False`` returned."""
        raise NotImplementedError("TODO: W -= delta_weight() once")


# ---- 2. injection, freezing, counting -----------------------------------------------------------------


def matches_target(name: str, target_modules: str | Sequence[str]) -> bool:
    """Whether the module called ``name`` (as in ``model.named_modules()``) is targeted.

    The rules of peft's ``LoraConfig.target_modules``: a ``str`` is a regular
    expression that must match the whole name (``re.fullmatch``); a sequence
    of strings (list, tuple, set) matches a name equal to one of them or ending
    in ``"." + pattern`` (so ``"q_proj"`` matches ``"blocks.0.attn.q_proj"``
    but ``"proj"`` does not, and ``"attn.proj"`` matches ``"blocks.1.attn.proj"``).
    The sequence's strings are plain names, not regular expressions.
    """
    raise NotImplementedError("TODO: re.fullmatch for a str, exact name or '.'-suffix for a sequence")


def inject_lora(
    model: nn.Module,
    target_modules: str | Sequence[str],
    r: int = 8,
    alpha: float = 8.0,
    dropout: float = 0.0,
    *,
    use_rslora: bool = False,
) -> list[str]:
    """Replace, in place, every module of ``model`` whose name :func:`matches_target`
    by ``LoRALinear.from_linear(module, r, alpha, dropout, use_rslora=use_rslora)``,
    so that it keeps its name (``blocks.0.attn.q_proj`` is now the LoRA layer, its
    weight ``blocks.0.attn.q_proj.base.weight``).

    Returns the replaced names in ``named_modules`` order. The model itself
    (name ``""``) is never a target. The new layers freeze their ``base``;
    nothing else is frozen here (see :func:`mark_only_lora_trainable`).
    Raises ``ValueError`` when a matched module is not an ``nn.Linear`` (a
    ``LoRALinear`` included: no double injection), when no module matches,
    or when ``r`` or ``dropout`` is invalid (as for :class:`LoRALinear`); the
    model is left unchanged then (no layer replaced, nothing frozen). Calling it again with other targets
    adds LoRA layers to those as well.
    """
    raise NotImplementedError("TODO: check every match, then replace them by LoRALinear.from_linear")


def mark_only_lora_trainable(model: nn.Module) -> int:
    """Set ``requires_grad`` to ``True`` on every ``lora_A`` and ``lora_B`` of the model's
    ``LoRALinear`` layers and to ``False`` on every other parameter (base weights,
    biases, embeddings, norms, the layers that were not targeted). Returns the number
    of trainable values (elements) left."""
    raise NotImplementedError("TODO: freeze all, unfreeze lora_A and lora_B")


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """``(trainable, total)``: the number of values (elements) in the parameters with
    ``requires_grad`` and in all parameters, each shared parameter counted once
    (peft's ``get_nb_trainable_parameters``)."""
    raise NotImplementedError("TODO: (trainable, total) numbers of values")


# ---- 3. merging ---------------------------------------------------------------------------------------


def merge_lora(model: nn.Module) -> int:
    """:meth:`LoRALinear.merge` every LoRA layer of the model; returns how many were merged
    by this call (0 when all already were)."""
    raise NotImplementedError("TODO: merge every LoRALinear")


def unmerge_lora(model: nn.Module) -> int:
    """:meth:`LoRALinear.unmerge` every LoRA layer; returns how many were unmerged by this call."""
    raise NotImplementedError("TODO: unmerge every LoRALinear")


def merge_and_unload(model: nn.Module) -> list[str]:
    """Merge every LoRA layer and put its ``base`` back in its place (peft's
    ``merge_and_unload``): the model then has its original module names and
    ``state_dict`` keys, and computes what the LoRA model computed. The restored
    linear layers keep ``requires_grad=False``. Returns the names replaced, in
    ``named_modules`` order (``[]`` when the model has no LoRA layer)."""
    raise NotImplementedError("TODO: merge and put base back in place")


def lora_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """Only the LoRA parameters, what an adapter checkpoint holds: ``{name: tensor}`` for
    every ``...lora_A`` and ``...lora_B`` of the model's ``state_dict`` (detached copies,
    later training does not change them), in ``state_dict`` order."""
    raise NotImplementedError("TODO: the lora_A / lora_B entries of state_dict")
