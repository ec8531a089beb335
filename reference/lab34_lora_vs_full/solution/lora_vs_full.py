"""LoRA against full fine-tuning: what each costs, measured.

A tiny Llama-style causal language model (``transformers.LlamaForCausalLM``
built from a config, no downloaded weights) is fine-tuned on a small
next-token task twice over: once with every weight trainable (full
fine-tuning) and once per LoRA rank, with only low-rank adapters on some
projections trainable. For each run we measure the trainable parameters,
the optimizer's state in bytes, the peak memory, the time of one training
step and the final loss, and write them as a CSV table and a PNG plot.

Provided (complete, do not change): ``DEFAULT_CONFIG``, ``TABLE_COLUMNS``,
``build_model``, ``make_task`` and the ``LoRALinear`` wrapper (lab 33
builds LoRA itself; here it is given so that this lab is about measuring).
"""

from __future__ import annotations

import csv
import math
import statistics
import time

import torch
from torch import nn
from transformers import LlamaConfig, LlamaForCausalLM

DEFAULT_CONFIG = {
    "vocab_size": 32,
    "hidden_size": 16,
    "intermediate_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
}

TABLE_COLUMNS = (
    "method",
    "trainable",
    "optimizer_state_bytes",
    "peak_memory_bytes",
    "step_time_s",
    "final_loss",
)

_LLAMA_LINEARS = (
    "q_proj",
    "k_proj",
    "v_proj",
    "o_proj",
    "gate_proj",
    "up_proj",
    "down_proj",
    "lm_head",
)


# ---- provided ---------------------------------------------------------------------------------


def build_model(config: dict | None = None, *, seed: int = 0) -> nn.Module:
    """Provided. A tiny ``LlamaForCausalLM``, its weights drawn after ``torch.manual_seed(seed)``.

    ``config`` holds ``LlamaConfig`` keyword arguments that override
    ``DEFAULT_CONFIG`` (e.g. ``num_key_value_heads`` for grouped-query
    attention, ``tie_word_embeddings``), plus one key of our own,
    ``"dtype"``: ``"float32"`` (the default), ``"bfloat16"`` or
    ``"float16"``, the dtype of every parameter. The model is on the CPU in
    training mode. Its linear layers (``nn.Linear``, no bias) are, in each
    of the ``num_hidden_layers`` decoder layers, ``self_attn.q_proj``
    (hidden -> hidden), ``k_proj`` and ``v_proj`` (hidden ->
    num_key_value_heads * head_dim, head_dim = hidden / num_attention_heads),
    ``o_proj`` (hidden -> hidden), ``mlp.gate_proj`` and ``mlp.up_proj``
    (hidden -> intermediate), ``mlp.down_proj`` (intermediate -> hidden);
    and ``lm_head`` (hidden -> vocab).
    """
    options = {**DEFAULT_CONFIG, **(config or {})}
    dtype = getattr(torch, options.pop("dtype", "float32"))
    torch.manual_seed(seed)
    model = LlamaForCausalLM(LlamaConfig(**options)).to(dtype)
    model.train()
    return model


def make_task(vocab_size: int, n_sequences: int, seq_len: int, *, seed: int = 0) -> torch.Tensor:
    """Provided. The fine-tuning data: ``n_sequences`` arithmetic progressions modulo ``vocab_size``.

    With ``g = torch.Generator().manual_seed(seed)``: a start token
    ``torch.randint(0, vocab_size, (n_sequences, 1), generator=g)``, then a
    stride ``torch.randint(1, 4, (n_sequences, 1), generator=g)``; token
    ``t`` of a row is ``(start + stride * t) % vocab_size``. Returns int64
    token ids of shape ``(n_sequences, seq_len)``.
    """
    g = torch.Generator().manual_seed(seed)
    start = torch.randint(0, vocab_size, (n_sequences, 1), generator=g)
    stride = torch.randint(1, 4, (n_sequences, 1), generator=g)
    return (start + stride * torch.arange(seq_len)) % vocab_size


class LoRALinear(nn.Module):
    """Provided. ``base(x) + (alpha / rank) * x @ A.T @ B.T``: a linear layer plus a low-rank update.

    ``base`` is an ``nn.Linear`` (kept as the submodule ``base``; this class
    does not change its ``requires_grad``). ``A`` has shape
    ``(rank, in_features)`` and is drawn as
    ``torch.randn(rank, in_features, generator=generator) / sqrt(in_features)``;
    ``B`` has shape ``(out_features, rank)`` and starts at zero, so a fresh
    wrapper computes exactly ``base(x)``. Both are trainable parameters with
    the dtype and device of ``base.weight``. ``scaling`` is ``alpha / rank``.
    Raises ``ValueError`` when ``rank < 1``.
    """

    def __init__(
        self,
        base: nn.Linear,
        rank: int,
        alpha: float = 16.0,
        *,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        if rank < 1:
            raise ValueError(f"rank must be at least 1, got {rank}")
        weight = base.weight
        a = torch.randn(rank, base.in_features, generator=generator)
        self.base = base
        self.rank = rank
        self.alpha = alpha
        self.scaling = alpha / rank
        self.A = nn.Parameter((a / math.sqrt(base.in_features)).to(weight))
        self.B = nn.Parameter(torch.zeros(base.out_features, rank).to(weight))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.A.T @ self.B.T) * self.scaling


# ---- the lab ----------------------------------------------------------------------------------


def apply_lora(
    model: nn.Module,
    rank: int,
    *,
    alpha: float = 16.0,
    targets: tuple[str, ...] = ("q_proj", "v_proj"),
    seed: int = 0,
) -> nn.Module:
    """Turn ``model`` into a LoRA model in place and return it (the same object).

    First every parameter of ``model`` is frozen (``requires_grad`` False).
    Then every ``nn.Linear`` whose own name (the last part of its dotted
    name in ``model.named_modules()``, e.g. ``"q_proj"``) is in ``targets``
    is replaced, on its parent module, by ``LoRALinear(linear, rank, alpha,
    generator=g)``. One generator, ``g = torch.Generator().manual_seed(seed)``,
    serves all of them, in ``named_modules()`` order. Afterwards the only
    trainable parameters are the adapters' ``A`` and ``B``.

    Raises ``ValueError`` when ``rank < 1`` or when no module matches
    ``targets`` (the model is then left unchanged).
    """
    if rank < 1:
        raise ValueError(f"rank must be at least 1, got {rank}")
    chosen = [
        name
        for name, module in model.named_modules()
        if isinstance(module, nn.Linear) and name.split(".")[-1] in targets
    ]
    if not chosen:
        raise ValueError(f"no nn.Linear named one of {targets} in the model")
    model.requires_grad_(False)
    generator = torch.Generator().manual_seed(seed)
    for name in chosen:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        base = getattr(parent, child)
        setattr(parent, child, LoRALinear(base, rank, alpha, generator=generator))
    return model


def count_parameters(model: nn.Module) -> dict:
    """``{"trainable": int, "total": int}``: the scalar parameters of ``model``.

    ``total`` counts every parameter, ``trainable`` those with
    ``requires_grad``. A parameter shared by two modules (tied embeddings)
    counts once.
    """
    params = list(model.parameters())
    return {
        "trainable": sum(p.numel() for p in params if p.requires_grad),
        "total": sum(p.numel() for p in params),
    }


def lora_parameter_count(
    config: dict | None, rank: int, targets: tuple[str, ...] = ("q_proj", "v_proj")
) -> int:
    """The trainable parameters of ``apply_lora(build_model(config), rank, targets=targets)``, by formula.

    Each adapted linear with ``in_features`` inputs and ``out_features``
    outputs adds ``rank * (in_features + out_features)`` parameters
    (``A`` is ``rank x in``, ``B`` is ``out x rank``). The projections
    repeat in every decoder layer; ``lm_head`` exists once. Shapes as in
    :func:`build_model`'s docstring, with ``DEFAULT_CONFIG`` for the keys
    ``config`` lacks; ``num_key_value_heads`` defaults to
    ``num_attention_heads``. Computed from the numbers only (no model is
    built). Raises ``ValueError`` when ``rank < 1`` or a target is not one
    of ``q_proj k_proj v_proj o_proj gate_proj up_proj down_proj lm_head``.
    """
    if rank < 1:
        raise ValueError(f"rank must be at least 1, got {rank}")
    c = {**DEFAULT_CONFIG, **(config or {})}
    hidden, inter = c["hidden_size"], c["intermediate_size"]
    heads = c["num_attention_heads"]
    kv = (c.get("num_key_value_heads") or heads) * (hidden // heads)
    shapes = {
        "q_proj": (hidden, hidden),
        "k_proj": (hidden, kv),
        "v_proj": (hidden, kv),
        "o_proj": (hidden, hidden),
        "gate_proj": (hidden, inter),
        "up_proj": (hidden, inter),
        "down_proj": (inter, hidden),
    }
    total = 0
    for target in targets:
        if target == "lm_head":
            total += rank * (hidden + c["vocab_size"])
        elif target in shapes:
            total += c["num_hidden_layers"] * rank * sum(shapes[target])
        else:
            raise ValueError(f"unknown target {target!r}; expected one of {_LLAMA_LINEARS}")
    return total


def make_optimizer(model: nn.Module, name: str = "adamw", lr: float = 1e-3) -> torch.optim.Optimizer:
    """An optimizer over the trainable parameters of ``model`` only, in ``model.parameters()`` order.

    ``name``: ``"adamw"`` gives ``torch.optim.AdamW(params, lr=lr,
    weight_decay=0.0)``; ``"sgd"`` gives ``torch.optim.SGD(params, lr=lr)``
    (no momentum); ``"sgd_momentum"`` gives ``torch.optim.SGD(params, lr=lr,
    momentum=0.9)``. Frozen parameters are not handed to the optimizer.
    Raises ``ValueError`` for another name, or when nothing is trainable.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("the model has no trainable parameters")
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "sgd_momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    raise ValueError(f"unknown optimizer {name!r}; expected 'adamw', 'sgd' or 'sgd_momentum'")


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, batch: torch.Tensor) -> float:
    """One optimizer step on ``batch`` (int64 token ids, ``(n, seq_len)``); returns the loss before it.

    In this order: ``optimizer.zero_grad()`` (gradients set to ``None``);
    the loss ``model(input_ids=batch, labels=batch).loss`` (next-token
    cross-entropy, the mean over the ``n * (seq_len - 1)`` predicted
    tokens); ``backward``; ``optimizer.step()``. The gradients are left in
    place after the step (they count towards the memory measured then).
    Returns the loss as a Python float.
    """
    optimizer.zero_grad(set_to_none=True)
    loss = model(input_ids=batch, labels=batch).loss
    loss.backward()
    optimizer.step()
    return loss.item()


def optimizer_state_bytes(optimizer: torch.optim.Optimizer) -> int:
    """The bytes of the optimizer's state tensors: ``numel * element_size`` summed over ``optimizer.state``.

    Every tensor in every parameter's state counts (AdamW's ``exp_avg`` and
    ``exp_avg_sq``, SGD's ``momentum_buffer``) except AdamW's scalar
    ``"step"`` counter, which is left out. Values that are not tensors (SGD
    without momentum keeps ``momentum_buffer = None``) count 0. A parameter
    that has not been stepped yet has no state. For AdamW on float32
    parameters this is ``2 * 4 * trainable`` bytes after the first step; on
    bfloat16 parameters the moments are bfloat16, ``2 * 2 * trainable``.
    """
    return sum(
        value.numel() * value.element_size()
        for state in optimizer.state.values()
        for key, value in state.items()
        if key != "step" and torch.is_tensor(value)
    )


def memory_footprint(model: nn.Module, optimizer: torch.optim.Optimizer) -> dict:
    """What training holds in memory besides activations, in bytes: the CPU measure of peak memory.

    A dict of ints: ``"parameters"`` (every parameter, frozen or not, a shared
    one once), ``"gradients"`` (every parameter's ``.grad`` that is not
    ``None``), ``"optimizer_state"`` (:func:`optimizer_state_bytes`) and
    ``"total"`` (their sum). Each tensor counts ``numel * element_size``.
    """
    params = list(model.parameters())
    sizes = {
        "parameters": sum(p.numel() * p.element_size() for p in params),
        "gradients": sum(
            p.grad.numel() * p.grad.element_size() for p in params if p.grad is not None
        ),
        "optimizer_state": optimizer_state_bytes(optimizer),
    }
    sizes["total"] = sum(sizes.values())
    return sizes


def train(
    model: nn.Module,
    data: torch.Tensor,
    *,
    steps: int,
    lr: float,
    optimizer: str = "adamw",
    warmup: int = 1,
) -> dict:
    """Fine-tune ``model`` in place for ``steps`` full-batch steps on ``data`` and measure the run.

    ``make_optimizer(model, optimizer, lr)``, then ``steps`` calls of
    ``train_step(model, opt, data)`` (``data`` is moved to the model's
    device), each timed alone with ``time.perf_counter``. On a CUDA device
    ``torch.cuda.reset_peak_memory_stats`` is called before the first step.

    Returns a dict:
    ``"losses"`` (list of ``steps`` floats, ``train_step``'s return values),
    ``"step_times_s"`` (list of ``steps`` floats, each step's seconds),
    ``"step_time_s"`` (float: the median of the step times after the first
    ``warmup`` ones, ``statistics.median(step_times_s[warmup:])``),
    ``"final_loss"`` (float: the loss on ``data`` after the last step,
    computed again under ``torch.no_grad()``), ``"trainable"`` (int,
    :func:`count_parameters`), ``"optimizer_state_bytes"`` (int, after the
    last step) and ``"peak_memory_bytes"`` (int: on CUDA
    ``torch.cuda.max_memory_allocated`` at the end of this run; on the CPU
    ``memory_footprint(model, opt)["total"]`` right after the last step,
    gradients still held). Nothing is carried over from an earlier call.
    Raises ``ValueError`` when ``warmup < 0`` or ``steps <= warmup``.
    """
    if warmup < 0 or steps <= warmup:
        raise ValueError(f"need 0 <= warmup < steps, got warmup={warmup}, steps={steps}")
    opt = make_optimizer(model, optimizer, lr)
    device = next(model.parameters()).device
    data = data.to(device)
    if data.is_cuda:
        torch.cuda.reset_peak_memory_stats(device)
    losses, times = [], []
    for _ in range(steps):
        start = time.perf_counter()
        losses.append(train_step(model, opt, data))
        times.append(time.perf_counter() - start)
    if data.is_cuda:
        peak = torch.cuda.max_memory_allocated(device)
    else:
        peak = memory_footprint(model, opt)["total"]
    with torch.no_grad():
        final = model(input_ids=data, labels=data).loss.item()
    return {
        "losses": losses,
        "step_times_s": times,
        "step_time_s": statistics.median(times[warmup:]),
        "final_loss": final,
        "trainable": count_parameters(model)["trainable"],
        "optimizer_state_bytes": optimizer_state_bytes(opt),
        "peak_memory_bytes": int(peak),
    }


def compare(
    config: dict | None = None,
    ranks: tuple[int, ...] = (1, 2, 4, 8),
    *,
    targets: tuple[str, ...] = ("q_proj", "v_proj"),
    alpha: float = 16.0,
    steps: int = 8,
    lr: float = 1e-2,
    optimizer: str = "adamw",
    seed: int = 0,
    device: str = "cpu",
) -> list[dict]:
    """Full fine-tuning against LoRA at each rank: one table row per run.

    The data: ``make_task(vocab_size, 8, 16, seed=seed)`` (``vocab_size``
    from ``config`` or ``DEFAULT_CONFIG``). Each run starts from a fresh
    ``build_model(config, seed=seed)`` moved to ``device``; the LoRA runs
    then ``apply_lora(model, rank, alpha=alpha, targets=targets, seed=seed)``.
    Each is trained with ``train(model, data, steps=steps, lr=lr,
    optimizer=optimizer)`` (``warmup`` 1).

    Rows, in this order: ``"full"`` first, then ``"lora-r{rank}"`` for each
    rank in the order given (not sorted). Each row is a dict with exactly
    the keys of ``TABLE_COLUMNS``: ``"method"``, then ``"trainable"``,
    ``"optimizer_state_bytes"``, ``"peak_memory_bytes"``, ``"step_time_s"``
    and ``"final_loss"`` taken from that run's :func:`train` result.
    Raises ``ValueError`` (before any training) when a rank is below 1.
    """
    if any(rank < 1 for rank in ranks):
        raise ValueError(f"every rank must be at least 1, got {ranks}")
    vocab = {**DEFAULT_CONFIG, **(config or {})}["vocab_size"]
    data = make_task(vocab, 8, 16, seed=seed)
    rows = []
    for rank in (0, *ranks):
        model = build_model(config, seed=seed).to(device)
        if rank:
            apply_lora(model, rank, alpha=alpha, targets=targets, seed=seed)
        result = train(model, data, steps=steps, lr=lr, optimizer=optimizer)
        row = {"method": f"lora-r{rank}" if rank else "full"}
        row.update({key: result[key] for key in TABLE_COLUMNS[1:]})
        rows.append(row)
    return rows


def write_table(rows: list[dict], path: str) -> None:
    """Write ``rows`` as a CSV file at ``path`` (overwritten if it exists; its folder must exist).

    The header line is ``TABLE_COLUMNS`` joined by commas; then one line per
    row, in the order given, with that row's values of those columns (other
    keys are ignored), written as ``str(value)`` (so a float is written in
    full, e.g. ``0.0123456789``, never rounded). Comma separators, no
    quoting needed (no value contains a comma), ``"\\n"`` line endings, a
    final newline. ``[]`` writes the header alone. A row lacking a column
    raises ``KeyError``.
    """
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TABLE_COLUMNS)
        for row in rows:
            writer.writerow([str(row[column]) for column in TABLE_COLUMNS])


def plot(rows: list[dict], path: str) -> None:
    """Save a PNG chart of the comparison at ``path`` (exactly that path, whatever its extension).

    One figure of ``figsize=(12, 3.5)`` saved at 100 dpi (1200 x 350
    pixels), made with matplotlib's Agg backend (no window; no pyplot figure
    is left open), with four horizontal bar charts side by side, one
    coloured bar per row, labelled with its ``"method"``: trainable
    parameters, optimizer-state bytes and peak-memory bytes (these three on
    a log scale), and the final loss. Raises ``ValueError`` when ``rows`` is
    empty.
    """
    if not rows:
        raise ValueError("nothing to plot: rows is empty")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import NullFormatter

    methods = [row["method"] for row in rows]
    fig = Figure(figsize=(12, 3.5))
    FigureCanvasAgg(fig)
    panels = (
        ("trainable", "trainable parameters", "log"),
        ("optimizer_state_bytes", "optimizer state (bytes)", "log"),
        ("peak_memory_bytes", "peak memory (bytes)", "log"),
        ("final_loss", "final loss", "linear"),
    )
    for ax, (key, title, scale) in zip(fig.subplots(1, len(panels)), panels):
        ax.barh(methods, [row[key] for row in rows], color="tab:blue")
        ax.set_xscale(scale)
        ax.xaxis.set_minor_formatter(NullFormatter())  # no crowded labels on the log axes
        ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
