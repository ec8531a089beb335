"""Lab 23: a language-model training loop.

The pieces every pre-training script is made of, small enough to test bit
for bit: input/target windows cut from one long token sequence (strided, for
evaluation sets, or drawn at random, for training batches), a cross-entropy
written by hand that survives logits of size 1e4, a learning-rate schedule,
and a ``Trainer`` whose checkpoints hold everything a run depends on, so that
a run stopped and resumed gives exactly the weights of a run that never
stopped.

Conventions used throughout
---------------------------
* A token sequence is a 1-D integer ``numpy.ndarray`` (any integer dtype:
  ``uint16`` token files are common) or a 1-D integer ``torch.Tensor``;
  ``sliding_windows`` also takes a list of ints. Windows and batches are
  always ``torch.long`` tensors.
* Position ``t`` of a target window is the token that follows position ``t``
  of its input window: targets are the inputs shifted left by one.
* Logits put the vocabulary last: ``(..., vocab_size)``.

The module imports ``random``, ``numpy as np`` and ``torch`` at the top:
keep these imports (the tests read the global random states through them).

What you may use: any torch tensor operation (``max``/``amax``, ``exp``,
``log``, ``sum``, ``gather``, ``where``, indexing, ...), ``nn.Embedding``,
``nn.Dropout``, ``nn.Linear``, ``torch.optim.AdamW``,
``torch.optim.lr_scheduler.LambdaLR``, ``nn.utils.clip_grad_norm_``,
``torch.save`` / ``torch.load``. You may NOT use a library cross-entropy or
log-softmax (``F.cross_entropy``, ``F.nll_loss``, ``F.log_softmax``,
``torch.logsumexp``, ``nn.CrossEntropyLoss``, ...) anywhere in this file: a
static check looks for them.
"""

from __future__ import annotations

import math
import random

import numpy as np
import torch
from torch import nn

IGNORE_INDEX = -100  # the target value that cross_entropy skips by default


# ---- windows and batches --------------------------------------------------------------------------


def _checked_tokens(tokens):
    """``tokens`` as a 1-D integer tensor or numpy array (a list becomes an array); nothing is copied."""
    if isinstance(tokens, torch.Tensor):
        integer = not (tokens.is_floating_point() or tokens.is_complex() or tokens.dtype == torch.bool)
    else:
        tokens = np.asarray(tokens)
        integer = tokens.dtype.kind in "iu"
    if not integer or tokens.ndim != 1:
        raise ValueError(f"tokens must be a 1-D integer sequence, got {tokens.dtype} of shape {tuple(tokens.shape)}")
    return tokens


def _windows(tokens, starts: torch.Tensor, width: int) -> torch.Tensor:
    """``tokens[s : s + width]`` for each start, as a ``(len(starts), width)`` long tensor."""
    index = starts[:, None] + torch.arange(width)
    if isinstance(tokens, torch.Tensor):
        return tokens[index].long()
    return torch.from_numpy(tokens[index.numpy()].astype(np.int64))


def sliding_windows(tokens, context_length: int, stride: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Cut a token sequence into input/target windows, ``stride`` tokens apart.

    With ``n = len(tokens)`` and ``L = context_length``, a window starting at
    ``s`` is the pair ``inputs = tokens[s : s + L]``,
    ``targets = tokens[s + 1 : s + L + 1]``, so ``0 <= s <= n - L - 1``. The
    starts are ``0, stride, 2 * stride, ...`` up to ``n - L - 1``; when the
    last of them is below ``n - L - 1`` (the tail would be lost), one more
    window starting at ``n - L - 1`` is added, so that the last token is
    always a target. Example: ``n = 10, L = 4, stride = 3`` gives the starts
    ``0, 3, 5``. A ``stride`` larger than ``L`` is allowed (tokens between
    windows are skipped); ``n == L + 1`` gives a single window.

    Args:
        tokens: 1-D sequence of token ids: a list of ints, an integer numpy
            array (any integer dtype, ``uint16`` included) or an integer torch
            tensor.
        context_length: ``L >= 1``, tokens per window.
        stride: ``>= 1``, the distance between consecutive starts (before the
            added tail window).

    Returns:
        ``(inputs, targets)``: two ``torch.long`` CPU tensors of shape
        ``(num_windows, L)``, rows in order of their start; the input tensor
        is not modified.

    Raises:
        ValueError: if ``context_length < 1``, ``stride < 1``,
            ``len(tokens) < context_length + 1``, or ``tokens`` is not 1-D or
            not integer.
    """
    tokens = _checked_tokens(tokens)
    if context_length < 1 or stride < 1:
        raise ValueError(f"need context_length >= 1 and stride >= 1, got {context_length} and {stride}")
    last = len(tokens) - context_length - 1
    if last < 0:
        raise ValueError(f"{len(tokens)} tokens cannot make one window of {context_length} + 1 tokens")
    starts = list(range(0, last + 1, stride))
    if starts[-1] < last:
        starts.append(last)
    windows = _windows(tokens, torch.tensor(starts), context_length + 1)
    return windows[:, :-1], windows[:, 1:]


def get_batch(
    tokens,
    batch_size: int,
    context_length: int,
    device: str | torch.device = "cpu",
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw ``batch_size`` random windows from a token sequence.

    Exactly this draw (the tests repeat it): with ``n = len(tokens)``,
    ``starts = torch.randint(n - context_length, (batch_size,), generator=generator)``;
    row ``i`` of ``x`` is ``tokens[starts[i] : starts[i] + context_length]``
    and row ``i`` of ``y`` is the window one token further,
    ``tokens[starts[i] + 1 : starts[i] + context_length + 1]``. Every start
    from ``0`` to ``n - context_length - 1`` can be drawn. A numpy array (a
    ``np.memmap`` too) is indexed at the drawn windows only: never convert
    the whole sequence.

    Args:
        tokens: 1-D integer numpy array (any integer dtype, ``uint16``
            included: its ids go up to 65535) or 1-D integer torch tensor,
            with ``len(tokens) > context_length``.
        batch_size: ``>= 1``, windows per batch.
        context_length: ``>= 1``, tokens per window.
        device: where ``x`` and ``y`` are put (a string or a
            ``torch.device``).
        generator: a CPU ``torch.Generator`` for the draw; ``None`` uses
            torch's global generator. Each call advances it, so successive
            calls give different batches.

    Returns:
        ``(x, y)``: ``torch.long`` tensors of shape
        ``(batch_size, context_length)`` on ``device``.

    Raises:
        ValueError: if ``batch_size < 1``, ``context_length < 1``,
            ``len(tokens) <= context_length``, or ``tokens`` is not 1-D or
            not integer.
    """
    if batch_size < 1 or context_length < 1:
        raise ValueError(f"need batch_size >= 1 and context_length >= 1, got {batch_size} and {context_length}")
    tokens = _checked_tokens(tokens)
    n = len(tokens)
    if n <= context_length:
        raise ValueError(f"{n} tokens cannot make a window of {context_length} + 1 tokens")
    starts = torch.randint(n - context_length, (batch_size,), generator=generator)
    windows = _windows(tokens, starts, context_length + 1)
    return windows[:, :-1].to(device), windows[:, 1:].to(device)


# ---- the loss and the schedule --------------------------------------------------------------------


def cross_entropy(
    logits: torch.Tensor, targets: torch.Tensor, ignore_index: int = IGNORE_INDEX, reduction: str = "mean"
) -> torch.Tensor:
    """Cross-entropy of logits against target ids, written by hand.

    For one position with logits ``z`` (over the last dim) and target ``t``
    the loss is ``logsumexp(z) - z[t]``, computed stably:
    ``m = max(z)``, ``logsumexp(z) = m + log(sum(exp(z - m)))``. float32
    logits of magnitude 1e4 (positive or negative, and targets whose logit is
    1e4 below the largest) give finite losses and gradients equal to
    ``F.cross_entropy``'s. The result is differentiable with autograd.

    Positions whose target equals ``ignore_index`` are skipped: they add 0 to
    the loss (and get zero gradient), and they are not counted in the mean.
    ``ignore_index`` may be any int, also a valid class id (``0``: every
    target 0 is skipped); a skipped target may lie outside ``[0, V)`` (``-100``).

    Args:
        logits: ``(..., V)`` float32 or float64 tensor, ``V >= 1``.
        targets: integer tensor of shape ``logits.shape[:-1]`` with values in
            ``[0, V)`` or equal to ``ignore_index``.
        ignore_index: the target value to skip.
        reduction: ``"mean"`` (the sum over counted positions divided by their
            number; NaN when every position is skipped, as torch gives),
            ``"sum"`` (0 when every position is skipped) or ``"none"``
            (the per-position losses, shape ``targets.shape``, 0 at skipped
            positions).

    Returns:
        A tensor of ``logits``' dtype: 0-d for ``"mean"`` and ``"sum"``,
        ``targets.shape`` for ``"none"``. Equal to
        ``F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1),
        ignore_index=ignore_index, reduction=reduction)`` (reshaped back for
        ``"none"``).

    Raises:
        ValueError: if ``reduction`` is not one of the three, ``targets``'
            shape is not ``logits.shape[:-1]``, ``V == 0``, or a target that
            is not ``ignore_index`` lies outside ``[0, V)``.
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    if logits.dim() < 1 or logits.shape[:-1] != targets.shape or logits.shape[-1] == 0:
        raise ValueError(f"logits {tuple(logits.shape)} and targets {tuple(targets.shape)} do not fit")
    counted = targets != ignore_index
    safe = torch.where(counted, targets, 0).long()
    if bool(((safe < 0) | (safe >= logits.shape[-1])).any()):
        raise ValueError("every target must lie in [0, V) or equal ignore_index")
    shifted = logits - logits.amax(dim=-1, keepdim=True).detach()
    log_normaliser = shifted.exp().sum(dim=-1).log()
    picked = shifted.gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    losses = torch.where(counted, log_normaliser - picked, 0.0)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / counted.sum()


def lr_factor(step: int, warmup_steps: int, max_steps: int, min_factor: float = 0.1) -> float:
    """The learning-rate multiplier at ``step``: linear warmup, then cosine decay.

    * ``step < warmup_steps``: ``(step + 1) / warmup_steps`` (the first step
      already trains, with ``1 / warmup_steps`` of the rate);
    * ``warmup_steps <= step <= max_steps``:
      ``min_factor + (1 - min_factor) * 0.5 * (1 + cos(pi * p))`` with
      ``p = (step - warmup_steps) / (max_steps - warmup_steps)``: 1 at the end
      of the warmup, ``min_factor`` at ``max_steps``;
    * ``step > max_steps``: ``min_factor``.

    ``warmup_steps = 0`` means no warmup (the factor at step 0 is 1).

    Args:
        step: the number of optimiser steps already taken, ``>= 0``.
        warmup_steps: ``>= 0``.
        max_steps: ``> warmup_steps``.
        min_factor: the final multiplier, ``0 <= min_factor <= 1``.

    Returns:
        The factor as a Python float.

    Raises:
        ValueError: if ``step < 0``, ``warmup_steps < 0``,
            ``max_steps <= warmup_steps`` or ``min_factor`` is outside ``[0, 1]``.
    """
    if step < 0 or warmup_steps < 0 or max_steps <= warmup_steps or not 0.0 <= min_factor <= 1.0:
        raise ValueError(
            f"need step >= 0, warmup_steps >= 0, max_steps > warmup_steps and 0 <= min_factor <= 1, got "
            f"{step}, {warmup_steps}, {max_steps}, {min_factor}"
        )
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    progress = min(1.0, (step - warmup_steps) / (max_steps - warmup_steps))
    return min_factor + (1.0 - min_factor) * 0.5 * (1.0 + math.cos(math.pi * progress))


# ---- the model and the trainer --------------------------------------------------------------------


class TinyLM(nn.Module):
    """A bigram language model: embedding, dropout, linear head.

    Submodules, created in this order with torch's default initialisation
    (so that ``torch.manual_seed(s)`` before construction fixes the weights):
    ``embedding = nn.Embedding(vocab_size, d_model)``,
    ``dropout = nn.Dropout(dropout)``,
    ``head = nn.Linear(d_model, vocab_size)``. The ``state_dict`` keys are
    ``embedding.weight``, ``head.weight`` and ``head.bias``.
    """

    def __init__(self, vocab_size: int, d_model: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """``head(dropout(embedding(idx)))``: logits ``(*idx.shape, vocab_size)`` for long ``idx``.

        The dropout draws from torch's global generator in training mode and
        does nothing in eval mode.
        """
        return self.head(self.dropout(self.embedding(idx)))


class Trainer:
    """Trains a ``TinyLM`` on random windows of a token sequence, with
    periodic evaluation and exact checkpoints.

    Construction, in this order (the tests repeat it with torch's own
    cross-entropy and compare the losses):

    1. ``torch.manual_seed(seed)``; ``model = TinyLM(vocab_size, d_model,
       dropout).to(device)``.
    2. ``optimizer = torch.optim.AdamW(model.parameters(), lr=lr,
       weight_decay=weight_decay)`` (other settings at their defaults).
    3. ``scheduler = LambdaLR(optimizer, lambda s: lr_factor(s, warmup_steps,
       max_steps, min_factor))``: the learning rate of step ``s`` (0-based)
       is ``lr * lr_factor(s, ...)``.
    4. ``generator = torch.Generator().manual_seed(seed)`` (on the CPU): the
       training batches, and only they, are drawn from it.
    5. ``step = 0``.

    Attributes:
        model, optimizer, scheduler, generator: as above.
        step: the number of training steps taken so far (restored by
            ``load_checkpoint``).

    Args:
        train_tokens, val_tokens: 1-D integer token sequences (numpy arrays
            or torch tensors, as ``get_batch`` takes), each longer than
            ``context_length``.
        vocab_size, d_model, dropout: the ``TinyLM``'s.
        context_length, batch_size: the windows of every batch.
        lr, weight_decay: AdamW's peak learning rate and weight decay.
        grad_clip: clip the gradients' global norm to this value
            (``nn.utils.clip_grad_norm_``) before each optimiser step;
            ``None``: no clipping.
        warmup_steps, max_steps, min_factor: the schedule (``lr_factor``).
        eval_every: evaluate after every ``eval_every``-th step (counted from
            the start of the run, across ``fit`` calls and resumes);
            ``None``: never.
        eval_batches: batches per evaluation, ``>= 1``.
        seed: seeds the model's initialisation, the training generator and
            (with ``seed + 1``) the evaluation batches.
        device: where the model and the batches live.

    Raises:
        ValueError: if ``eval_every`` is neither ``None`` nor ``>= 1``,
            ``eval_batches < 1``, ``grad_clip`` is neither ``None`` nor
            ``> 0``, a token sequence has at most ``context_length`` tokens,
            ``batch_size < 1`` or ``context_length < 1``, or ``lr_factor``
            rejects the schedule.
    """

    def __init__(
        self,
        train_tokens,
        val_tokens,
        *,
        vocab_size: int,
        d_model: int = 16,
        dropout: float = 0.1,
        context_length: int = 8,
        batch_size: int = 4,
        lr: float = 1e-2,
        weight_decay: float = 0.0,
        grad_clip: float | None = 1.0,
        warmup_steps: int = 2,
        max_steps: int = 20,
        min_factor: float = 0.1,
        eval_every: int | None = 5,
        eval_batches: int = 2,
        seed: int = 0,
        device: str | torch.device = "cpu",
    ) -> None:
        if eval_every is not None and eval_every < 1:
            raise ValueError(f"eval_every must be None or >= 1, got {eval_every}")
        if eval_batches < 1:
            raise ValueError(f"eval_batches must be >= 1, got {eval_batches}")
        if grad_clip is not None and grad_clip <= 0:
            raise ValueError(f"grad_clip must be None or > 0, got {grad_clip}")
        if batch_size < 1 or context_length < 1:
            raise ValueError(f"need batch_size >= 1 and context_length >= 1, got {batch_size} and {context_length}")
        if min(len(train_tokens), len(val_tokens)) <= context_length:
            raise ValueError(f"each token sequence needs more than context_length={context_length} tokens")
        lr_factor(0, warmup_steps, max_steps, min_factor)  # raises for a bad schedule
        self.train_tokens, self.val_tokens = train_tokens, val_tokens
        self.context_length, self.batch_size = context_length, batch_size
        self.grad_clip, self.eval_every, self.eval_batches = grad_clip, eval_every, eval_batches
        self.seed, self.device = seed, device

        torch.manual_seed(seed)
        self.model = TinyLM(vocab_size, d_model, dropout).to(device)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=lr, weight_decay=weight_decay)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda s: lr_factor(s, warmup_steps, max_steps, min_factor)
        )
        self.generator = torch.Generator().manual_seed(seed)
        self.step = 0

    def train_step(self) -> float:
        """One training step; returns its loss (before the update) as a float.

        ``model.train()``; ``x, y = get_batch(train_tokens, batch_size,
        context_length, device, generator)``; ``loss = cross_entropy(model(x),
        y)`` (your own); zero the gradients; back-propagate; clip (unless
        ``grad_clip`` is None); ``optimizer.step()``; ``scheduler.step()``;
        ``step += 1``.
        """
        self.model.train()
        x, y = get_batch(self.train_tokens, self.batch_size, self.context_length, self.device, self.generator)
        loss = cross_entropy(self.model(x), y)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.grad_clip is not None:
            nn.utils.clip_grad_norm_(self.model.parameters(), self.grad_clip)
        self.optimizer.step()
        self.scheduler.step()
        self.step += 1
        return loss.item()

    @torch.no_grad()
    def evaluate(self) -> float:
        """The mean validation loss over ``eval_batches`` batches, as a float.

        The batches come from ``get_batch(val_tokens, batch_size,
        context_length, device, g)`` with a fresh
        ``g = torch.Generator().manual_seed(seed + 1)`` at every call, so
        every evaluation sees the same windows; the result is the plain mean
        of the batches' ``cross_entropy``. The model runs in eval mode (no
        dropout) without building an autograd graph; afterwards it is back
        in the mode it was in (train or eval). Neither the training
        generator nor torch's global generator is advanced.
        """
        was_training = self.model.training
        self.model.eval()
        g = torch.Generator().manual_seed(self.seed + 1)
        total = 0.0
        for _ in range(self.eval_batches):
            x, y = get_batch(self.val_tokens, self.batch_size, self.context_length, self.device, g)
            total += cross_entropy(self.model(x), y).item()
        self.model.train(was_training)
        return total / self.eval_batches

    def fit(self, num_steps: int) -> list[dict]:
        """Take ``num_steps`` training steps, evaluating on schedule.

        Before each step the learning rate it will use is read from
        ``optimizer.param_groups[0]["lr"]``; after the step, when
        ``eval_every`` is not None and the new ``step`` is a multiple of it,
        ``evaluate()`` runs.

        Returns:
            One dict per step, in order: ``{"step": the new step count (int),
            "loss": train_step's loss (float), "lr": the rate the step used
            (float), "val_loss": evaluate()'s result (float) or None when no
            evaluation ran}``. ``num_steps = 0`` returns ``[]`` and changes
            nothing.

        Raises:
            ValueError: if ``num_steps < 0``.
        """
        if num_steps < 0:
            raise ValueError(f"num_steps must be >= 0, got {num_steps}")
        history = []
        for _ in range(num_steps):
            lr = self.optimizer.param_groups[0]["lr"]
            loss = self.train_step()
            due = self.eval_every is not None and self.step % self.eval_every == 0
            history.append({"step": self.step, "loss": loss, "lr": lr, "val_loss": self.evaluate() if due else None})
        return history

    def save_checkpoint(self, path: str) -> None:
        """Write everything the run depends on to ``path`` with ``torch.save``.

        The file holds one dict with exactly these keys: ``"model"``,
        ``"optimizer"``, ``"scheduler"`` (their ``state_dict()``s), ``"step"``
        (int) and ``"rng"``, a dict of the random states at the time of the
        call: ``"generator"`` (the training generator's ``get_state()``),
        ``"torch"`` (``torch.get_rng_state()``), ``"numpy"``
        (``np.random.get_state()``) and ``"python"`` (``random.getstate()``).
        Saving changes no state: a run that saves goes on exactly as one
        that does not.
        """
        torch.save(
            {
                "model": self.model.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
                "step": self.step,
                "rng": {
                    "generator": self.generator.get_state(),
                    "torch": torch.get_rng_state(),
                    "numpy": np.random.get_state(),
                    "python": random.getstate(),
                },
            },
            path,
        )

    def load_checkpoint(self, path: str) -> None:
        """Restore a checkpoint written by ``save_checkpoint`` into this trainer.

        The trainer must have been built with the same arguments. Loads
        (``torch.load(path, map_location="cpu", weights_only=False)``: the
        file is your own and holds numpy and Python objects) the model, the
        optimiser, the scheduler and ``step``, and sets the training
        generator, torch's, numpy's and Python's global random states to the
        saved ones, so that ``fit`` then continues exactly as the saved run
        would have: same batches, same dropout masks, same learning rates,
        same weights, bit for bit.
        """
        checkpoint = torch.load(path, map_location="cpu", weights_only=False)
        self.model.load_state_dict(checkpoint["model"])
        self.optimizer.load_state_dict(checkpoint["optimizer"])
        self.scheduler.load_state_dict(checkpoint["scheduler"])
        self.step = checkpoint["step"]
        rng = checkpoint["rng"]
        self.generator.set_state(rng["generator"])
        torch.set_rng_state(rng["torch"])
        np.random.set_state(rng["numpy"])
        random.setstate(rng["python"])
