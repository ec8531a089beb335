"""Comparing tiny architectures fine-tuned on one task under one budget.

Every model reads a batch of token ids ``x`` (an int64 tensor of shape
``(batch, seq_len)``, id 0 is padding) and returns class logits of shape
``(batch, num_classes)``. Four architectures are built by name
(:func:`build_model`), trained with the same recipe, the same seed, the same
data order and the same number of optimizer steps (:func:`train_model`),
scored on a held-out split and put side by side in a table
(:func:`compare_models`). :func:`mcnemar` says whether two models' accuracies
on the same test examples differ by more than chance.
"""

from __future__ import annotations

import torch
from torch import nn

ARCHITECTURES = ("bow_mlp", "cnn", "gru", "tiny_transformer")


def build_model(
    name: str,
    vocab_size: int,
    num_classes: int,
    config: dict | None = None,
    *,
    seed: int = 0,
) -> nn.Module:
    """Build one of the tiny text classifiers by name, its weights drawn after ``torch.manual_seed(seed)``.

    ``config`` (keys optional, defaults in brackets): ``dim`` [16], the
    embedding size; ``hidden`` [32]; ``kernel_size`` [3] (cnn only); ``heads``
    [2] and ``max_len`` [64] (tiny_transformer only); ``freeze_embedding``
    [False]: when true the token embedding's weight has ``requires_grad``
    False (it is never trained). Every model starts with
    ``nn.Embedding(vocab_size, dim, padding_idx=0)`` and returns logits of
    shape ``(batch, num_classes)`` for ids of shape ``(batch, seq_len)``:

    - ``"bow_mlp"``: the mean of the embeddings of the non-padding tokens
      (a row of padding only gives the zero vector), then
      ``Linear(dim, hidden)``, ReLU, ``Linear(hidden, num_classes)``.
    - ``"cnn"``: ``Conv1d(dim, hidden, kernel_size, padding=kernel_size // 2)``
      over the embeddings, ReLU, the maximum over positions, then
      ``Linear(hidden, num_classes)``.
    - ``"gru"``: one ``nn.GRU(dim, hidden, batch_first=True)`` layer; its
      final hidden state goes through ``Linear(hidden, num_classes)``.
    - ``"tiny_transformer"``: token embeddings plus learned position
      embeddings ``nn.Embedding(max_len, dim)``, one
      ``nn.TransformerEncoderLayer(dim, heads, dim_feedforward=hidden,
      dropout=0.0, batch_first=True)``, the mean over all positions, then
      ``Linear(dim, num_classes)``.

    No other parameters (no biases, norms or layers beyond those named).
    Raises ``ValueError`` for a name not in ``ARCHITECTURES``.
    """
    raise NotImplementedError("TODO: build the named architecture")


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """The number of scalar parameters of ``model``.

    With ``trainable_only`` (the default) only parameters with
    ``requires_grad`` count; otherwise every parameter does. A parameter
    shared by two layers counts once (``model.parameters()`` yields it once).
    """
    raise NotImplementedError("TODO: count the (trainable) parameters")


def batch_order(
    n_examples: int, batch_size: int, max_steps: int, seed: int
) -> list[list[int]]:
    """The example indices of each optimizer step: exactly ``max_steps`` batches.

    One generator, ``g = torch.Generator().manual_seed(seed)``, draws one
    permutation per epoch, ``torch.randperm(n_examples, generator=g)``, as
    many epochs as the budget needs (the generator is not reseeded between
    epochs). An epoch is cut into consecutive slices of ``batch_size``; the
    last slice of an epoch is kept even when shorter. Batches are taken in
    that order until there are ``max_steps`` of them (the budget counts
    optimizer steps, not epochs: the last epoch may be cut short).
    ``max_steps == 0`` gives ``[]``. Raises ``ValueError`` when
    ``n_examples`` or ``batch_size`` is below 1 or ``max_steps`` below 0.
    """
    raise NotImplementedError("TODO: the batches of each optimizer step")


def train_model(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    max_steps: int,
    batch_size: int,
    lr: float,
    seed: int = 0,
) -> dict:
    """Train ``model`` in place on ``(x, y)`` for exactly ``max_steps`` optimizer steps.

    The recipe, the same for every architecture: ``model.train()``; one
    ``torch.optim.SGD`` over the parameters that require grad, learning
    rate ``lr``, nothing else (no momentum, no weight decay, no clipping);
    the batches of ``batch_order(len(x), batch_size, max_steps, seed)``; for
    each batch the mean cross-entropy of the logits against ``y``, one
    ``backward`` and one optimizer step. Frozen parameters never change.

    Returns a dict: ``"steps"`` (int, the optimizer steps taken),
    ``"examples_seen"`` (int, the examples in those batches, repeats
    counted), ``"losses"`` (list of float, each batch's loss computed before
    its step) and ``"train_time_s"`` (float, wall-clock seconds of the
    loop, from ``time.perf_counter``).
    """
    raise NotImplementedError("TODO: the shared training recipe")


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The predicted class of each row of ``x``: the argmax of the logits (int64, shape ``(batch,)``).

    Puts the model in evaluation mode (``model.eval()``; it stays there) and
    computes without gradients. A tie goes to the lowest class index.
    """
    raise NotImplementedError("TODO: argmax predictions in eval mode")


def accuracy(predictions: torch.Tensor, labels: torch.Tensor) -> float:
    """The fraction of positions where ``predictions`` equals ``labels``, as a Python float.

    Raises ``ValueError`` when the lengths differ or are 0.
    """
    raise NotImplementedError("TODO: fraction correct")


def mcnemar(
    correct_a, correct_b, *, exact: bool = True, correction: bool = True
) -> dict:
    """McNemar's test of two classifiers scored on the same examples.

    ``correct_a`` and ``correct_b`` are equal-length sequences of bools (or
    0/1): whether model A, resp. B, got each example right. Only the
    discordant examples matter: ``b`` counts those A got right and B wrong,
    ``c`` those A got wrong and B right.

    - ``exact=True``: the two-sided binomial test of ``b`` successes in
      ``n = b + c`` trials with probability 1/2; ``statistic = min(b, c)``,
      ``p_value = min(1, 2 * P(Binomial(n, 1/2) <= min(b, c)))``.
      ``correction`` is ignored.
    - ``exact=False``: the chi-square approximation with 1 degree of
      freedom, ``statistic = (|b - c| - 1)**2 / (b + c)`` with
      ``correction`` (Edwards' continuity correction, applied as written,
      also when ``b == c``) and ``(b - c)**2 / (b + c)`` without;
      ``p_value`` is the chi-square survival function at the statistic.

    When ``b + c == 0`` the two models agree everywhere: ``statistic`` is
    0.0 and ``p_value`` 1.0 in both modes. These are the values of
    ``statsmodels.stats.contingency_tables.mcnemar`` (apart from that
    case, where it divides by zero). Returns a dict with ``"b"`` and
    ``"c"`` (int), ``"statistic"`` and ``"p_value"`` (float). Raises
    ``ValueError`` when the lengths differ.
    """
    raise NotImplementedError("TODO: McNemar's test on the discordant pairs")


def compare_models(
    specs: dict,
    train_x: torch.Tensor,
    train_y: torch.Tensor,
    test_x: torch.Tensor,
    test_y: torch.Tensor,
    *,
    vocab_size: int,
    num_classes: int,
    max_steps: int,
    batch_size: int,
    lr: float,
    seed: int = 0,
) -> list[dict]:
    """Train every model of ``specs`` under one budget and return the comparison table.

    ``specs`` maps a label to ``(name, config)``. For each, in turn:
    ``build_model(name, vocab_size, num_classes, config, seed=seed)``,
    ``train_model(model, train_x, train_y, max_steps=max_steps,
    batch_size=batch_size, lr=lr, seed=seed)`` (so every model sees the same
    batches in the same order), then ``predict`` on ``test_x``.

    One row (a dict) per label: ``"label"``, ``"name"``, ``"parameters"``
    (trainable ones, :func:`count_parameters`), ``"train_time_s"`` (the
    training's), ``"accuracy"`` (on ``test_x`` / ``test_y``) and
    ``"correct"`` (a list of bools, one per test example, for
    :func:`mcnemar`). Rows are sorted by accuracy, highest first; ties by
    fewer trainable parameters first, then by label in ascending order.
    """
    raise NotImplementedError("TODO: train, evaluate and sort the table")
