"""Lab 24: pre-training a small GPT on Project Gutenberg books.

The whole pipeline of a (very small) pre-training run, as nanoGPT and its
descendants do it:

1. **clean**: cut the Project Gutenberg header and licence off each book
   (the rules of lab 01, restated in :func:`strip_gutenberg`);
2. **tokenize**: a byte-level vocabulary, the 256 byte values of the UTF-8
   text plus one end-of-text token (:data:`EOT`) between books;
3. **store**: all tokens in one flat file of little-endian ``uint16``,
   opened later as a read-only **memory map**, so that a corpus much larger
   than the memory can be sampled from;
4. **batch**: random windows of the token file, inputs and targets shifted
   by one position;
5. **optimise**: AdamW with weight decay on the matrices only, a linear
   warmup then a cosine decay of the learning rate, and clipping of the
   global gradient norm;
6. **watch**: greedy samples from the model every few steps.

The model, :class:`TinyGPT`, is given: keep it as it is. To do: every body
that raises ``NotImplementedError``. You may add helper functions.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

#: The end-of-text token, written after every book (byte values are 0-255).
EOT = 256
#: The size of the byte-level vocabulary: 256 byte values and ``EOT``.
VOCAB_SIZE = 257


class MalformedSourceError(ValueError):
    """The input is not a well-formed Project Gutenberg text (given: keep it)."""


# ---- the model (given: keep it as it is) ------------------------------------------------------------


class _Block(nn.Module):
    """One pre-norm transformer layer: causal self-attention, then a GELU MLP."""

    def __init__(self, n_embd: int, n_head: int) -> None:
        super().__init__()
        self.n_head = n_head
        self.ln_1 = nn.LayerNorm(n_embd)
        self.qkv = nn.Linear(n_embd, 3 * n_embd)
        self.proj = nn.Linear(n_embd, n_embd)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.fc = nn.Linear(n_embd, 4 * n_embd)
        self.fc_proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.n_head, c // self.n_head).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, c))
        return x + self.fc_proj(F.gelu(self.fc(self.ln_2(x))))


class TinyGPT(nn.Module):
    """A small GPT-2-style language model (given: keep it as it is).

    Token and learned position embeddings (``wte``, ``wpe``), ``n_layer``
    pre-norm blocks (``blocks.{i}``: ``ln_1``, ``qkv``, ``proj``, ``ln_2``,
    ``fc``, ``fc_proj``), a final LayerNorm ``ln_f`` and an output layer
    ``head`` without bias. Parameters are initialised by torch's defaults
    (seed torch's global generator for reproducible weights). No dropout.

    ``forward(idx)`` takes a ``(batch, t)`` long tensor of ids,
    ``1 <= t <= block_size``, and returns ``(batch, t, vocab_size)`` float32
    logits; the logits at position ``j`` predict the token at ``j + 1``.
    Raises ``ValueError`` if ``t > block_size``.
    """

    def __init__(
        self, vocab_size: int = VOCAB_SIZE, block_size: int = 64, n_layer: int = 2, n_head: int = 2, n_embd: int = 64
    ) -> None:
        super().__init__()
        self.block_size = block_size
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList([_Block(n_embd, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size, bias=False)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        t = idx.shape[1]
        if t > self.block_size:
            raise ValueError(f"a sequence of {t} tokens is longer than block_size={self.block_size}")
        x = self.wte(idx) + self.wpe(torch.arange(t, device=idx.device))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


# ---- cleaning: Project Gutenberg (lab 01) -------------------------------------------------------------

_START_MARKER = re.compile(
    r"\*{3}\s*START\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG\s+(?:EBOOK|ETEXT)|\*END\*THE\s+SMALL\s+PRINT!",
    re.IGNORECASE,
)
_END_MARKER = re.compile(
    r"\*{3}\s*END\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG\s+(?:EBOOK|ETEXT)|END\s+OF\s+(?:THE\s+)?PROJECT\s+GUTENBERG",
    re.IGNORECASE,
)


def strip_gutenberg(text: str) -> str:
    """The body of a Project Gutenberg text: everything between its markers.

    The rules of lab 01 (copy your ``strip_gutenberg``, raising
    :class:`MalformedSourceError`). Lines are ``text.splitlines()``; a line
    is tested with surrounding whitespace removed (``line.strip()``),
    ignoring letter case, and words inside a marker may be separated by any
    whitespace.

    - A **start marker** is a line that begins with three asterisks, optional
      whitespace, then ``START OF THE PROJECT GUTENBERG EBOOK`` or ``START OF
      THIS PROJECT GUTENBERG EBOOK`` (``ETEXT`` instead of ``EBOOK`` also
      counts); anything may follow (usually the title and ``***``). Examples:
      ``*** START OF THIS PROJECT GUTENBERG EBOOK EMMA ***``,
      ``***START OF THE PROJECT GUTENBERG EBOOK``,
      ``*** Start of the Project Gutenberg eBook Emma ***``.
      The older "small print" header ends with a line that begins with
      ``*END*THE SMALL PRINT!`` (e.g. ``*END*THE SMALL PRINT! FOR PUBLIC
      DOMAIN ETEXTS*Ver.04.29.93*END*``): that line is a start marker too.
    - An **end marker** is a line that begins with three asterisks, optional
      whitespace, then ``END OF THE (or THIS) PROJECT GUTENBERG EBOOK`` (or
      ``ETEXT``), or a line that begins with ``END OF THE PROJECT GUTENBERG``
      or ``END OF PROJECT GUTENBERG`` (as in ``End of the Project Gutenberg
      EBook of Emma`` or ``End of Project Gutenberg's Emma``).

    The body is made of the lines strictly between the **first** start
    marker and the **first** end marker after it, joined with ``"\\n"`` and
    stripped of surrounding whitespace (``.strip()``). So neither marker
    line, nor the header before, nor the licence after, is part of the body.

    Raises :class:`MalformedSourceError` if there is no start marker, or no
    end marker after it.
    """
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _START_MARKER.match(line.strip())), None)
    if start is None:
        raise MalformedSourceError("no Project Gutenberg START marker found")
    for end in range(start + 1, len(lines)):
        if _END_MARKER.match(lines[end].strip()):
            return "\n".join(lines[start + 1 : end]).strip()
    raise MalformedSourceError("no Project Gutenberg END marker after the START marker")


def read_book(path: str | os.PathLike) -> str:
    """The clean body of the Project Gutenberg ``.txt`` file at ``path``.

    The bytes are decoded as UTF-8, dropping a leading byte-order mark
    (``"utf-8-sig"``); if they are not valid UTF-8 (older books are often
    Latin-1), they are decoded as ``"latin-1"`` instead. Returns
    :func:`strip_gutenberg` of the decoded text (so Windows line ends
    ``"\\r\\n"`` become ``"\\n"``).

    Raises :class:`MalformedSourceError` as :func:`strip_gutenberg` does.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return strip_gutenberg(text)


# ---- tokenizing: bytes -----------------------------------------------------------------------------------


def encode(text: str) -> list[int]:
    """The token ids of ``text``: its UTF-8 bytes, one id (0-255) per byte.

    ``encode("é")`` is ``[195, 169]``; ``encode("")`` is ``[]``. Never
    produces :data:`EOT`.
    """
    return list(text.encode("utf-8"))


def decode(ids: Iterable[int]) -> str:
    """The text of token ids: the inverse of :func:`encode`.

    ``ids`` is any iterable of integers (a list, a tuple, a 1-D integer
    numpy array or torch tensor). :data:`EOT` tokens are skipped; the other
    ids are bytes, decoded as UTF-8 with ``errors="replace"`` (a byte
    sequence that is not valid UTF-8, as a model may well generate, becomes
    ``"\\ufffd"`` instead of an error).

    Raises ``ValueError`` if an id is outside ``0 .. VOCAB_SIZE - 1``.
    """
    # bytes() raises ValueError for any other id outside 0 .. 255
    return bytes(i for i in map(int, ids) if i != EOT).decode("utf-8", errors="replace")


# ---- storing: a flat uint16 file, memory-mapped ------------------------------------------------------------


def write_tokens(ids: Sequence[int] | np.ndarray | torch.Tensor, path: str | os.PathLike) -> int:
    """Write token ids to ``path`` as raw little-endian ``uint16``.

    ``ids``: a list or tuple of ints, or a 1-D integer numpy array or CPU
    torch tensor (of any integer dtype). The file holds exactly
    ``2 * len(ids)`` bytes, id ``i`` in bytes ``2i`` (low byte) and
    ``2i + 1`` (high byte): no header (``numpy``'s ``dtype="<u2"``). An
    existing file is replaced; no ids give an empty file.

    Returns the number of ids written. Raises ``ValueError``, before
    anything is written, if an id is negative or above ``65535`` (it does
    not fit in 16 bits: never let it wrap around).
    """
    arr = np.asarray(ids)
    if arr.size and (arr.min() < 0 or arr.max() > np.iinfo(np.uint16).max):
        raise ValueError("token ids must be in 0 .. 65535 to be stored as uint16")
    arr.astype("<u2").tofile(path)
    return int(arr.size)


def build_token_file(paths: Sequence[str | os.PathLike], out_path: str | os.PathLike) -> int:
    """Tokenize Project Gutenberg books into one token file.

    For each path, in the given order: :func:`encode` of :func:`read_book`,
    then one :data:`EOT`. All these ids are written to ``out_path`` with
    :func:`write_tokens`. No paths give an empty file.

    Returns the number of tokens written. Raises
    :class:`MalformedSourceError` if a book has no markers.
    """
    eot = np.array([EOT], dtype=np.uint16)
    pieces = []
    for path in paths:
        pieces.append(np.frombuffer(read_book(path).encode("utf-8"), dtype=np.uint8).astype(np.uint16))
        pieces.append(eot)
    return write_tokens(np.concatenate(pieces) if pieces else np.empty(0, np.uint16), out_path)


def load_tokens(path: str | os.PathLike) -> np.memmap:
    """The token file at ``path`` as a read-only memory map.

    ``np.memmap(path, dtype=np.uint16, mode="r")``: nothing is read until
    it is indexed, so the file may be much larger than the memory, and the
    file can never be changed through it.

    Raises ``ValueError`` for an empty file or one of an odd number of
    bytes (numpy's memmap does).
    """
    return np.memmap(path, dtype=np.uint16, mode="r")


# ---- batching ---------------------------------------------------------------------------------------------


def get_batch(
    tokens: np.ndarray, batch_size: int, block_size: int, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """A random batch of training windows from a 1-D token array.

    ``tokens``: a 1-D numpy array of ids (usually :func:`load_tokens`'s
    memory map; read only the windows, never the whole array). Exactly:

    1. ``starts = torch.randint(len(tokens) - block_size, (batch_size,),
       generator=generator)`` (``generator=None``: torch's global one);
    2. row ``i`` of ``x`` is ``tokens[s : s + block_size]`` and row ``i``
       of ``y`` is ``tokens[s + 1 : s + 1 + block_size]``, ``s =
       starts[i]``: each target is the token that follows its input.

    Returns ``(x, y)``, two ``(batch_size, block_size)`` ``torch.int64``
    tensors on the CPU. Raises ``ValueError`` if ``batch_size < 1``,
    ``block_size < 1`` or ``len(tokens) <= block_size`` (no window fits).
    """
    if batch_size < 1 or block_size < 1:
        raise ValueError("batch_size and block_size must be at least 1")
    if len(tokens) <= block_size:
        raise ValueError(f"{len(tokens)} tokens are too few for windows of block_size={block_size} plus a target")
    starts = torch.randint(len(tokens) - block_size, (batch_size,), generator=generator).numpy()
    windows = torch.from_numpy(tokens[starts[:, None] + np.arange(block_size + 1)].astype(np.int64))
    return windows[:, :-1], windows[:, 1:]


# ---- optimising ---------------------------------------------------------------------------------------------


def lr_at(step: int, *, max_lr: float, min_lr: float, warmup_steps: int, max_steps: int) -> float:
    """The learning rate of optimiser step ``step`` (0-based): warmup, then cosine.

    - ``step < warmup_steps``: linear warmup, ``max_lr * (step + 1) /
      warmup_steps`` (the first step already moves; step
      ``warmup_steps - 1`` uses ``max_lr``);
    - ``warmup_steps <= step < max_steps``: cosine decay, ``min_lr + 0.5 *
      (1 + cos(pi * p)) * (max_lr - min_lr)`` with ``p = (step -
      warmup_steps) / (max_steps - warmup_steps)``;
    - ``step >= max_steps``: ``min_lr`` (the decay stops there).

    Returns a ``float``. Raises ``ValueError`` if ``step < 0``,
    ``warmup_steps < 0`` or ``max_steps < warmup_steps``.
    """
    if step < 0 or warmup_steps < 0 or max_steps < warmup_steps:
        raise ValueError("need step >= 0 and 0 <= warmup_steps <= max_steps")
    if step < warmup_steps:
        return max_lr * (step + 1) / warmup_steps
    if step >= max_steps:
        return float(min_lr)
    progress = (step - warmup_steps) / (max_steps - warmup_steps)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * progress)) * (max_lr - min_lr)


def configure_optimizer(
    model: nn.Module,
    *,
    lr: float,
    weight_decay: float,
    betas: tuple[float, float] = (0.9, 0.95),
    eps: float = 1e-8,
) -> torch.optim.AdamW:
    """AdamW over the trainable parameters of ``model``, decaying matrices only.

    Two parameter groups, in this order, each in ``model.parameters()``
    order and holding only parameters with ``requires_grad``:

    1. every parameter with ``dim() >= 2`` (the weights of the linear layers
       and the embeddings), ``"weight_decay": weight_decay``;
    2. every parameter with ``dim() < 2`` (biases, LayerNorm weights and
       biases), ``"weight_decay": 0.0``.

    ``lr``, ``betas`` and ``eps`` are the optimiser's defaults (other
    AdamW settings at torch's defaults).
    """
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=lr, betas=betas, eps=eps)


def train_step(
    model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor, *, lr: float, grad_clip: float
) -> tuple[float, float]:
    """One optimiser step on the batch ``(x, y)``.

    1. set ``"lr"`` of every parameter group of ``optimizer`` to ``lr``;
    2. the loss is the mean cross-entropy of ``model(x)`` (``(batch, t,
       vocab)`` logits) against the targets ``y`` (``(batch, t)`` ids, already
       shifted by :func:`get_batch`: do not shift again) over all positions;
    3. zero the gradients, back-propagate;
    4. ``grad_clip > 0``: scale **all** gradients together so that their
       global L2 norm (over every parameter of ``model``, as one vector) is
       at most ``grad_clip`` (``torch.nn.utils.clip_grad_norm_``);
       ``grad_clip == 0``: no clipping;
    5. one ``optimizer.step()``.

    Returns ``(loss, grad_norm)``: the loss before the update and the
    global gradient norm **before** clipping, both ``float``. Raises
    ``ValueError`` if ``grad_clip < 0``.
    """
    if grad_clip < 0:
        raise ValueError("grad_clip must be >= 0 (0: no clipping)")
    for group in optimizer.param_groups:
        group["lr"] = lr
    logits = model(x)
    loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), grad_clip if grad_clip > 0 else math.inf)
    optimizer.step()
    return loss.item(), norm.item()


# ---- watching ---------------------------------------------------------------------------------------------


@torch.no_grad()
def generate_sample(model: nn.Module, prompt: str, max_new_tokens: int) -> str:
    """A greedy continuation of ``prompt``, to watch a run learn.

    The context starts as ``[EOT] + encode(prompt)`` (a book starts after an
    ``EOT``). At each of ``max_new_tokens`` steps the model sees the last
    ``model.block_size`` tokens of the context (at most), and the id of the
    largest logit at the last position is appended. Runs without gradients
    in eval mode, and leaves the model in the mode (training or eval) it
    found it in.

    Returns :func:`decode` of the new tokens only (not the prompt); ``""``
    for ``max_new_tokens == 0``. Raises ``ValueError`` if ``max_new_tokens <
    0``.
    """
    if max_new_tokens < 0:
        raise ValueError("max_new_tokens must be >= 0")
    was_training = model.training
    model.eval()
    context = torch.tensor([[EOT, *encode(prompt)]])
    start = context.shape[1]
    for _ in range(max_new_tokens):
        logits = model(context[:, -model.block_size :])
        context = torch.cat([context, logits[:, -1].argmax(dim=-1, keepdim=True)], dim=1)
    model.train(was_training)
    return decode(context[0, start:].tolist())


# ---- the run ---------------------------------------------------------------------------------------------------


def train(
    model: nn.Module,
    token_path: str | os.PathLike,
    *,
    steps: int,
    batch_size: int,
    block_size: int,
    max_lr: float,
    min_lr: float,
    warmup_steps: int,
    weight_decay: float = 0.1,
    grad_clip: float = 1.0,
    seed: int = 0,
    sample_every: int = 0,
    sample_prompt: str = "",
    sample_tokens: int = 32,
) -> dict:
    """Pre-train ``model`` in place on the token file at ``token_path``.

    Exactly this procedure (the tests repeat it and compare the losses and
    the weights):

    1. ``tokens = load_tokens(token_path)``; ``g =
       torch.Generator().manual_seed(seed)``; one ``configure_optimizer(model,
       lr=max_lr, weight_decay=weight_decay)`` for the whole call;
       ``model.train()``.
    2. For ``step`` in ``0 .. steps - 1``: ``lr = lr_at(step,
       max_lr=max_lr, min_lr=min_lr, warmup_steps=warmup_steps,
       max_steps=steps)``; ``x, y = get_batch(tokens, batch_size,
       block_size, g)``; ``train_step(model, optimizer, x, y, lr=lr,
       grad_clip=grad_clip)``. Then, if ``sample_every > 0`` and ``(step +
       1) % sample_every == 0``, record ``(step + 1,
       generate_sample(model, sample_prompt, sample_tokens))``.

    A second call continues from the weights the first one left, with a new
    optimiser and a new generator. The model is in training mode at the end.

    Returns ``{"losses": [...], "lrs": [...], "grad_norms": [...],
    "samples": [...]}``: the first three are lists of ``steps`` floats (the
    loss, learning rate and gradient norm of each step, as
    :func:`train_step` and :func:`lr_at` give them), ``"samples"`` a list of
    ``(step, text)`` tuples. Raises ``ValueError`` if ``steps < 0``,
    ``sample_every < 0`` or ``block_size > model.block_size``.
    """
    if steps < 0 or sample_every < 0:
        raise ValueError("steps and sample_every must be >= 0")
    if block_size > model.block_size:
        raise ValueError(f"block_size={block_size} is larger than the model's {model.block_size}")
    tokens = load_tokens(token_path)
    generator = torch.Generator().manual_seed(seed)
    optimizer = configure_optimizer(model, lr=max_lr, weight_decay=weight_decay)
    model.train()
    history: dict[str, list] = {"losses": [], "lrs": [], "grad_norms": [], "samples": []}
    for step in range(steps):
        lr = lr_at(step, max_lr=max_lr, min_lr=min_lr, warmup_steps=warmup_steps, max_steps=steps)
        x, y = get_batch(tokens, batch_size, block_size, generator)
        loss, norm = train_step(model, optimizer, x, y, lr=lr, grad_clip=grad_clip)
        history["losses"].append(loss)
        history["lrs"].append(lr)
        history["grad_norms"].append(norm)
        if sample_every > 0 and (step + 1) % sample_every == 0:
            history["samples"].append((step + 1, generate_sample(model, sample_prompt, sample_tokens)))
    return history


def train_on_batches(
    config: dict,
    state_dict: dict[str, torch.Tensor],
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    max_lr: float,
    min_lr: float,
    warmup_steps: int,
    weight_decay: float,
    grad_clip: float,
) -> torch.Tensor:
    """Train a fresh ``TinyGPT(**config)`` holding ``state_dict`` on given batches (the timed kernel).

    ``x`` and ``y`` are ``(steps, batch, t)`` long tensors: step ``s`` is
    :func:`train_step` on ``(x[s], y[s])`` with ``lr = lr_at(s, ...,
    max_steps=steps)``, all steps with one :func:`configure_optimizer`
    (``lr=max_lr``, ``weight_decay``). The time of the whole call is the
    training throughput (tokens per second) that is compared with ours.

    Returns the ``steps`` losses as a 1-D float tensor.
    """
    model = TinyGPT(**config)
    model.load_state_dict(state_dict)
    optimizer = configure_optimizer(model, lr=max_lr, weight_decay=weight_decay)
    steps = len(x)
    losses = [
        train_step(
            model,
            optimizer,
            x[s],
            y[s],
            lr=lr_at(s, max_lr=max_lr, min_lr=min_lr, warmup_steps=warmup_steps, max_steps=steps),
            grad_clip=grad_clip,
        )[0]
        for s in range(steps)
    ]
    return torch.tensor(losses)
