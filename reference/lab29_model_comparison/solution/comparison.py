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

import time

import torch
import torch.nn.functional as F
from scipy import stats
from torch import nn

ARCHITECTURES = ("bow_mlp", "cnn", "gru", "tiny_transformer")


class _Classifier(nn.Module):
    """The shared front: a token embedding (row 0, the padding id, starts at zero)."""

    def __init__(self, vocab_size: int, dim: int, freeze_embedding: bool) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.embedding.weight.requires_grad_(not freeze_embedding)


class _BowMLP(_Classifier):
    def __init__(self, vocab_size, num_classes, dim, hidden, freeze_embedding):
        super().__init__(vocab_size, dim, freeze_embedding)
        self.mlp = nn.Sequential(
            nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, num_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mask = (x != 0).unsqueeze(-1).float()
        summed = (self.embedding(x) * mask).sum(dim=1)
        mean = summed / mask.sum(dim=1).clamp(min=1.0)
        return self.mlp(mean)


class _CNN(_Classifier):
    def __init__(
        self, vocab_size, num_classes, dim, hidden, kernel_size, freeze_embedding
    ):
        super().__init__(vocab_size, dim, freeze_embedding)
        self.conv = nn.Conv1d(dim, hidden, kernel_size, padding=kernel_size // 2)
        self.out = nn.Linear(hidden, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.conv(self.embedding(x).transpose(1, 2)))
        return self.out(h.max(dim=2).values)


class _GRU(_Classifier):
    def __init__(self, vocab_size, num_classes, dim, hidden, freeze_embedding):
        super().__init__(vocab_size, dim, freeze_embedding)
        self.gru = nn.GRU(dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, h_n = self.gru(self.embedding(x))
        return self.out(h_n[-1])


class _TinyTransformer(_Classifier):
    def __init__(
        self, vocab_size, num_classes, dim, hidden, heads, max_len, freeze_embedding
    ):
        super().__init__(vocab_size, dim, freeze_embedding)
        self.position = nn.Embedding(max_len, dim)
        self.encoder = nn.TransformerEncoderLayer(
            dim, heads, dim_feedforward=hidden, dropout=0.0, batch_first=True
        )
        self.out = nn.Linear(dim, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(x.shape[1], device=x.device)
        h = self.encoder(self.embedding(x) + self.position(positions))
        return self.out(h.mean(dim=1))


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
    if name not in ARCHITECTURES:
        raise ValueError(
            f"unknown architecture {name!r}; expected one of {ARCHITECTURES}"
        )
    config = dict(config or {})
    dim = config.get("dim", 16)
    hidden = config.get("hidden", 32)
    freeze = bool(config.get("freeze_embedding", False))
    torch.manual_seed(seed)
    if name == "bow_mlp":
        return _BowMLP(vocab_size, num_classes, dim, hidden, freeze)
    if name == "cnn":
        return _CNN(
            vocab_size, num_classes, dim, hidden, config.get("kernel_size", 3), freeze
        )
    if name == "gru":
        return _GRU(vocab_size, num_classes, dim, hidden, freeze)
    return _TinyTransformer(
        vocab_size,
        num_classes,
        dim,
        hidden,
        config.get("heads", 2),
        config.get("max_len", 64),
        freeze,
    )


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """The number of scalar parameters of ``model``.

    With ``trainable_only`` (the default) only parameters with
    ``requires_grad`` count; otherwise every parameter does. A parameter
    shared by two layers counts once (``model.parameters()`` yields it once).
    """
    return sum(
        p.numel() for p in model.parameters() if p.requires_grad or not trainable_only
    )


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
    if n_examples < 1 or batch_size < 1 or max_steps < 0:
        raise ValueError("need n_examples >= 1, batch_size >= 1 and max_steps >= 0")
    g = torch.Generator().manual_seed(seed)
    batches: list[list[int]] = []
    while len(batches) < max_steps:
        perm = torch.randperm(n_examples, generator=g).tolist()
        for start in range(0, n_examples, batch_size):
            if len(batches) == max_steps:
                break
            batches.append(perm[start : start + batch_size])
    return batches


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
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(trainable, lr=lr)
    losses: list[float] = []
    seen = 0
    start = time.perf_counter()
    for batch in batch_order(len(x), batch_size, max_steps, seed):
        index = torch.tensor(batch)
        loss = F.cross_entropy(model(x[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        seen += len(batch)
    elapsed = time.perf_counter() - start
    return {
        "steps": len(losses),
        "examples_seen": seen,
        "losses": losses,
        "train_time_s": elapsed,
    }


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The predicted class of each row of ``x``: the argmax of the logits (int64, shape ``(batch,)``).

    Puts the model in evaluation mode (``model.eval()``; it stays there) and
    computes without gradients. A tie goes to the lowest class index.
    """
    model.eval()
    return model(x).argmax(dim=1)


def accuracy(predictions: torch.Tensor, labels: torch.Tensor) -> float:
    """The fraction of positions where ``predictions`` equals ``labels``, as a Python float.

    Raises ``ValueError`` when the lengths differ or are 0.
    """
    if len(predictions) != len(labels) or len(labels) == 0:
        raise ValueError("predictions and labels must have the same, non-zero length")
    return (
        (torch.as_tensor(predictions) == torch.as_tensor(labels)).double().mean().item()
    )


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
    a = torch.as_tensor(correct_a, dtype=torch.bool).reshape(-1)
    bb = torch.as_tensor(correct_b, dtype=torch.bool).reshape(-1)
    if a.shape != bb.shape:
        raise ValueError("correct_a and correct_b must have the same length")
    b = int((a & ~bb).sum())
    c = int((~a & bb).sum())
    n = b + c
    if n == 0:
        return {"b": b, "c": c, "statistic": 0.0, "p_value": 1.0}
    if exact:
        statistic = float(min(b, c))
        p_value = min(1.0, 2.0 * stats.binom.cdf(min(b, c), n, 0.5))
    else:
        diff = abs(b - c) - (1 if correction else 0)
        statistic = diff**2 / n
        p_value = stats.chi2.sf(statistic, 1)
    return {"b": b, "c": c, "statistic": float(statistic), "p_value": float(p_value)}


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
    rows = []
    for label, (name, config) in specs.items():
        model = build_model(name, vocab_size, num_classes, config, seed=seed)
        stats_ = train_model(
            model,
            train_x,
            train_y,
            max_steps=max_steps,
            batch_size=batch_size,
            lr=lr,
            seed=seed,
        )
        predictions = predict(model, test_x)
        rows.append(
            {
                "label": label,
                "name": name,
                "parameters": count_parameters(model),
                "train_time_s": stats_["train_time_s"],
                "accuracy": accuracy(predictions, test_y),
                "correct": (predictions == test_y).tolist(),
            }
        )
    rows.sort(key=lambda row: (-row["accuracy"], row["parameters"], row["label"]))
    return rows
