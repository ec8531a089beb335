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
    if isinstance(r, bool) or not isinstance(r, int) or r < 1:
        raise ValueError(f"r must be a positive int, got {r!r}")
    return alpha / math.sqrt(r) if use_rslora else alpha / r


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
    return F.linear(x, weight, bias) + scaling * F.linear(F.linear(x, lora_A), lora_B)


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
        super().__init__()
        self._setup(nn.Linear(in_features, out_features, bias=bias), r, alpha, dropout, use_rslora)

    def _setup(self, base: nn.Linear, r: int, alpha: float, dropout: float, use_rslora: bool) -> None:
        self.scaling = lora_scaling(r, alpha, use_rslora)
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
        self.base = base
        base.requires_grad_(False)
        self.in_features, self.out_features = base.in_features, base.out_features
        self.r, self.alpha = r, alpha
        self.dropout = nn.Dropout(dropout)
        weight = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, self.in_features, dtype=weight.dtype, device=weight.device))
        self.lora_B = nn.Parameter(torch.empty(self.out_features, r, dtype=weight.dtype, device=weight.device))
        self.merged = False
        self.reset_lora_parameters()

    @classmethod
    def from_linear(
        cls, linear: nn.Linear, r: int = 8, alpha: float = 8.0, dropout: float = 0.0, *, use_rslora: bool = False
    ) -> LoRALinear:
        """Wrap an existing ``nn.Linear`` (kept as ``base``, the same object, its
        parameters frozen); ``lora_A`` and ``lora_B`` are initialised as above."""
        layer = cls.__new__(cls)
        nn.Module.__init__(layer)
        layer._setup(linear, r, alpha, dropout, use_rslora)
        return layer

    def reset_lora_parameters(self) -> None:
        """Re-initialise ``lora_A`` (Kaiming-uniform, ``a=sqrt(5)``) and ``lora_B`` (zeros)
        from torch's global random generator."""
        with torch.no_grad():
            nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
            nn.init.zeros_(self.lora_B)

    def delta_weight(self) -> torch.Tensor:
        """The update ``scaling * lora_B @ lora_A``, shape (out, in)."""
        return self.scaling * (self.lora_B @ self.lora_A)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``base(x) + scaling * lora_B(lora_A(dropout(x)))``: dropout acts on the input of
        ``lora_A`` only (not on the base path), and only in training mode. When merged,
        just ``base(x)`` (the update is already in its weight)."""
        if self.merged:
            return self.base(x)
        return self.base(x) + self.scaling * F.linear(F.linear(self.dropout(x), self.lora_A), self.lora_B)

    @torch.no_grad()
    def merge(self) -> bool:
        """Add :meth:`delta_weight` to ``base.weight`` in place and set ``merged``.
        Returns ``True``; a layer already merged is left as it is and ``False`` returned."""
        if self.merged:
            return False
        self.base.weight += self.delta_weight()
        self.merged = True
        return True

    @torch.no_grad()
    def unmerge(self) -> bool:
        """Subtract :meth:`delta_weight` from ``base.weight`` (undoing :meth:`merge`, up to
        rounding) and clear ``merged``. Returns ``True``; a layer that is not merged is left
        as it is and ``False`` returned."""
        if not self.merged:
            return False
        self.base.weight -= self.delta_weight()
        self.merged = False
        return True


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
    if isinstance(target_modules, str):
        return re.fullmatch(target_modules, name) is not None
    return any(name == t or name.endswith("." + t) for t in target_modules)


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
    targets = [(name, m) for name, m in model.named_modules() if name and matches_target(name, target_modules)]
    if not targets:
        raise ValueError(f"no module matches {target_modules!r}")
    for name, module in targets:
        if not isinstance(module, nn.Linear):
            raise ValueError(f"{name} is a {type(module).__name__}, not an nn.Linear")
    for name, module in targets:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, LoRALinear.from_linear(module, r, alpha, dropout, use_rslora=use_rslora))
    return [name for name, _ in targets]


def _lora_layers(model: nn.Module) -> list[tuple[str, LoRALinear]]:
    return [(name, m) for name, m in model.named_modules() if isinstance(m, LoRALinear)]


def mark_only_lora_trainable(model: nn.Module) -> int:
    """Set ``requires_grad`` to ``True`` on every ``lora_A`` and ``lora_B`` of the model's
    ``LoRALinear`` layers and to ``False`` on every other parameter (base weights,
    biases, embeddings, norms, the layers that were not targeted). Returns the number
    of trainable values (elements) left."""
    for p in model.parameters():
        p.requires_grad_(False)
    for _, layer in _lora_layers(model):
        layer.lora_A.requires_grad_(True)
        layer.lora_B.requires_grad_(True)
    return count_parameters(model)[0]


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """``(trainable, total)``: the number of values (elements) in the parameters with
    ``requires_grad`` and in all parameters, each shared parameter counted once
    (peft's ``get_nb_trainable_parameters``)."""
    trainable = total = 0
    for p in model.parameters():
        total += p.numel()
        if p.requires_grad:
            trainable += p.numel()
    return trainable, total


# ---- 3. merging ---------------------------------------------------------------------------------------


def merge_lora(model: nn.Module) -> int:
    """:meth:`LoRALinear.merge` every LoRA layer of the model; returns how many were merged
    by this call (0 when all already were)."""
    return sum(layer.merge() for _, layer in _lora_layers(model))


def unmerge_lora(model: nn.Module) -> int:
    """:meth:`LoRALinear.unmerge` every LoRA layer; returns how many were unmerged by this call."""
    return sum(layer.unmerge() for _, layer in _lora_layers(model))


def merge_and_unload(model: nn.Module) -> list[str]:
    """Merge every LoRA layer and put its ``base`` back in its place (peft's
    ``merge_and_unload``): the model then has its original module names and
    ``state_dict`` keys, and computes what the LoRA model computed. The restored
    linear layers keep ``requires_grad=False``. Returns the names replaced, in
    ``named_modules`` order (``[]`` when the model has no LoRA layer)."""
    names = []
    for name, layer in _lora_layers(model):
        layer.merge()
        parent_name, _, child = name.rpartition(".")
        setattr(model.get_submodule(parent_name), child, layer.base)
        names.append(name)
    return names


def lora_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """Only the LoRA parameters, what an adapter checkpoint holds: ``{name: tensor}`` for
    every ``...lora_A`` and ``...lora_B`` of the model's ``state_dict`` (detached copies,
    later training does not change them), in ``state_dict`` order."""
    return {k: v.detach().clone() for k, v in model.state_dict().items() if k.endswith(("lora_A", "lora_B"))}
