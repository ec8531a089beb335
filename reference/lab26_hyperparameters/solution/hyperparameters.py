"""Lab 26: hyperparameters and compute.

Two halves, independent of each other:

1. **Searching.** A learning-rate range test, grid and random search driven
   through an ask/tell interface under an evaluation budget, and early
   stopping with patience. The objective (training a model, reading a
   validation loss) stays with the caller: these classes only decide *what*
   to try next and *when* to stop, so the same code drives a toy function
   or a real training run.
2. **Counting compute.** FLOPs of a matrix product and of a GPT-style
   decoder, per layer as ``torch.utils.flop_counter.FlopCounterMode``
   counts them; FLOPs per token for inference (``2N``) and training
   (``6N``) plus the attention term; model FLOPs utilisation (MFU); and the
   compute-optimal model and data sizes for a budget (Chinchilla).

FLOP conventions (part 2)
-------------------------
FLOPs are counted the way ``FlopCounterMode`` counts them: only matrix
multiplications (``aten.mm``, ``addmm``, ``bmm``, ``baddbmm``), a product
of an ``(m, k)`` by a ``(k, n)`` matrix costing ``2 * m * k * n`` (one
multiply and one add per term). Everything else counts 0: the bias that
``addmm`` adds, softmax, layer norm, GELU, residual additions, the scaling
and masking of attention scores, embedding lookups. (On CPU,
``FlopCounterMode`` also counts 0 for ``F.scaled_dot_product_attention``'s
fused kernel; the model below computes attention with explicit matmuls.)

The model is a GPT-style decoder described by a ``config`` dict with the
fields ``vocab_size``, ``n_ctx`` (maximum sequence length), ``d_model``,
``n_layer`` and ``d_ff`` (the MLP's hidden width); other fields (e.g.
``n_head``) may be present and change nothing counted here. Its modules
(names as the tests build it, in brackets):

* token embedding ``(vocab_size, d_model)`` [``wte``] and learned position
  embedding ``(n_ctx, d_model)`` [``wpe``];
* ``n_layer`` blocks [``layers.i``], each: LayerNorm, attention [``attn``]
  = a fused query/key/value projection ``d_model -> 3 * d_model``
  [``attn.qkv``], the attention core ``softmax(Q K^T / sqrt(d_head)) V``
  per head, written as two matmuls [``attn.core``, no parameters], and an
  output projection ``d_model -> d_model`` [``attn.proj``]; LayerNorm; MLP
  [``mlp``] = ``d_model -> d_ff``, GELU, ``d_ff -> d_model``. Linear layers
  have biases;
* a final LayerNorm and the output head ``d_model -> vocab_size``
  [``head``], tied to the token embedding (same matrix, no bias).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

# ---- 1. searching ------------------------------------------------------------------------------------------


class LRRangeTest:
    """A learning-rate range test (Smith, 2017), driven step by step by the caller.

    The learning rate grows *exponentially* from ``lr_min`` to ``lr_max``
    over ``num_steps`` steps: step ``i`` (0-based) uses
    ``lr_min * (lr_max / lr_min) ** (i / (num_steps - 1))``, so the first
    step uses ``lr_min`` and the last ``lr_max``. The caller loops::

        while (lr := test.next_lr()) is not None:
            loss = train_one_batch(lr)
            test.record(loss)

    Smoothing: with ``beta > 0`` the recorded loss is the bias-corrected
    exponential moving average of the raw losses: ``avg = beta * avg +
    (1 - beta) * loss`` (``avg`` starts at 0), recorded as ``avg / (1 -
    beta ** (i + 1))`` at step ``i``. ``beta = 0`` records the raw loss.

    Divergence: the test stops after recording a loss that is not finite
    (NaN or infinite) or that is strictly greater than ``diverge_factor``
    times the lowest loss recorded so far (this one included). It also
    stops after ``num_steps`` recorded losses. The losses (raw and
    recorded) are assumed positive, as a cross-entropy or a squared error.

    Args:
        lr_min: the first learning rate, ``> 0``.
        lr_max: the last learning rate, ``> lr_min``.
        num_steps: the number of steps, ``>= 2``.
        diverge_factor: ``> 1``.
        beta: the smoothing factor, ``0 <= beta < 1``.

    Raises:
        ValueError: for an argument outside its range.

    Attributes:
        lrs: the learning rates of the recorded steps, in order (a list of
            float).
        losses: the recorded (smoothed) losses, aligned with ``lrs``; the
            loss that triggered divergence is included.
        diverged: whether the test stopped because the loss diverged.
        done: whether the test has stopped (diverged, or ``num_steps``
            losses recorded).
    """

    def __init__(
        self,
        lr_min: float = 1e-7,
        lr_max: float = 10.0,
        num_steps: int = 100,
        diverge_factor: float = 4.0,
        beta: float = 0.0,
    ) -> None:
        if not lr_min > 0 or not lr_max > lr_min:
            raise ValueError("need 0 < lr_min < lr_max")
        if num_steps < 2:
            raise ValueError("num_steps must be at least 2")
        if not diverge_factor > 1:
            raise ValueError("diverge_factor must be greater than 1")
        if not 0 <= beta < 1:
            raise ValueError("beta must be in [0, 1)")
        self.lr_min, self.lr_max, self.num_steps = lr_min, lr_max, num_steps
        self.diverge_factor, self.beta = diverge_factor, beta
        self.lrs: list[float] = []
        self.losses: list[float] = []
        self.diverged = False
        self.done = False
        self._avg = 0.0
        self._best = math.inf

    def next_lr(self) -> float | None:
        """The learning rate of the next step, or ``None`` once the test is done.

        Calling it again without :meth:`record` returns the same value.
        """
        if self.done:
            return None
        i = len(self.losses)
        return self.lr_min * (self.lr_max / self.lr_min) ** (i / (self.num_steps - 1))

    def record(self, loss: float) -> bool:
        """Record the loss of the step that used :meth:`next_lr`; return ``done``.

        Raises:
            RuntimeError: when the test is already done.
        """
        lr = self.next_lr()
        if lr is None:
            raise RuntimeError("the range test is done")
        self._avg = self.beta * self._avg + (1 - self.beta) * loss
        smoothed = self._avg / (1 - self.beta ** (len(self.losses) + 1))
        self.lrs.append(lr)
        self.losses.append(smoothed)
        self._best = min(self._best, smoothed)
        self.diverged = not math.isfinite(smoothed) or smoothed > self.diverge_factor * self._best
        self.done = self.diverged or len(self.losses) == self.num_steps
        return self.done


def suggest_lr(lrs: Sequence[float], losses: Sequence[float]) -> float:
    """The learning rate where the loss falls fastest against ``log(lr)``.

    For each segment ``i`` (``0 <= i < len(lrs) - 1``) the slope is
    ``(losses[i + 1] - losses[i]) / (log(lrs[i + 1]) - log(lrs[i]))``;
    the result is ``lrs[i]`` of the segment with the most negative slope
    (the first such segment on ties). Segments touching a loss that is not
    finite are skipped.

    Args:
        lrs: strictly increasing positive learning rates (e.g.
            ``LRRangeTest.lrs``).
        losses: the losses aligned with ``lrs``.

    Returns:
        a Python ``float``, one of ``lrs``.

    Raises:
        ValueError: when the lengths differ, there are fewer than two
            points, ``lrs`` is not strictly increasing and positive, or no
            segment has two finite losses.
    """
    if len(lrs) != len(losses) or len(lrs) < 2:
        raise ValueError("need two or more learning rates, aligned with the losses")
    if lrs[0] <= 0 or any(b <= a for a, b in itertools.pairwise(lrs)):
        raise ValueError("the learning rates must be positive and strictly increasing")
    best, best_slope = None, math.inf
    for i in range(len(lrs) - 1):
        if not (math.isfinite(losses[i]) and math.isfinite(losses[i + 1])):
            continue
        slope = (losses[i + 1] - losses[i]) / (math.log(lrs[i + 1]) - math.log(lrs[i]))
        if best is None or slope < best_slope:
            best, best_slope = i, slope
    if best is None:
        raise ValueError("no segment has two finite losses")
    return float(lrs[best])


def grid_configs(space: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the values of ``space``, in a fixed order.

    ``space`` maps each hyperparameter name to a list (or tuple) of its
    values. The order is that of ``itertools.product``: the *first* key
    varies slowest, the *last* fastest, each through its values in the
    given order. Each config is a new ``dict`` with the keys in the order
    of ``space``.

    Examples: ``{"lr": [1, 2], "bs": [8, 16]}`` gives ``[{"lr": 1, "bs":
    8}, {"lr": 1, "bs": 16}, {"lr": 2, "bs": 8}, {"lr": 2, "bs": 16}]``;
    an empty ``space`` gives ``[{}]``; a key with no values gives ``[]``.
    """
    keys = list(space)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*(space[k] for k in keys))]


def random_configs(space: Mapping[str, Any], n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` distinct configs drawn at random from ``space`` (random search).

    Each value of ``space`` is either

    * a list or tuple of distinct choices: one is drawn uniformly, or
    * a dict ``{"low": a, "high": b}`` with an optional ``"log": bool``
      (default false): a float drawn uniformly from ``[a, b)``, or, with
      ``"log": True``, log-uniformly (uniform in ``log``; e.g. a learning
      rate from ``1e-5`` to ``1e-1``).

    The draws are fixed so that every correct implementation returns the
    same configs for a seed: ``rng = numpy.random.default_rng(seed)``;
    configs are drawn one after another, and each config draws one value
    per key in the order of ``space``: a choice is
    ``values[rng.integers(len(values))]``, a uniform float is
    ``rng.uniform(a, b)``, a log-uniform one is ``math.exp(rng.uniform(
    math.log(a), math.log(b)))`` (floats are returned as Python
    ``float``). A config equal to one drawn before is discarded (its draws
    are spent) and drawing goes on until there are ``n``.

    Returns:
        a list of ``n`` dicts, keys in the order of ``space``.

    Raises:
        ValueError: when ``n < 0``; a choice list is empty; ``low >= high``;
            ``low <= 0`` with ``"log"``; or every value is a choice list and
            there are fewer than ``n`` distinct configs (the product of the
            list lengths; an empty ``space`` has one, ``{}``).
    """
    if n < 0:
        raise ValueError("n must be non-negative")
    size = 1
    for spec in space.values():
        if isinstance(spec, Mapping):
            if not spec["low"] < spec["high"]:
                raise ValueError("a range needs low < high")
            if spec.get("log", False) and spec["low"] <= 0:
                raise ValueError("a log-uniform range needs low > 0")
            size = math.inf
        elif len(spec) == 0:
            raise ValueError("a choice list is empty")
        else:
            size *= len(spec)
    if n > size:
        raise ValueError(f"the space has only {size} distinct configs")
    rng = np.random.default_rng(seed)
    configs: list[dict[str, Any]] = []
    while len(configs) < n:
        config = {key: _draw(spec, rng) for key, spec in space.items()}
        if config not in configs:
            configs.append(config)
    return configs


def _draw(spec: Any, rng: np.random.Generator) -> Any:
    if not isinstance(spec, Mapping):
        return spec[rng.integers(len(spec))]
    if spec.get("log", False):
        return math.exp(rng.uniform(math.log(spec["low"]), math.log(spec["high"])))
    return float(rng.uniform(spec["low"], spec["high"]))


class Search:
    """Evaluate configs in order under an evaluation budget, through ask/tell.

    ``Search(grid_configs(space), budget)`` is grid search,
    ``Search(random_configs(space, budget, seed))`` random search. The
    caller loops::

        while (config := search.ask()) is not None:
            search.tell(validation_loss(config))

    Args:
        configs: the configs to try, in order (dicts).
        budget: the most configs :meth:`ask` hands out; ``None`` means all
            of them; a budget larger than ``len(configs)`` hands out each
            config once.
        maximize: when true, a higher score is better (e.g. an accuracy);
            by default a lower score is (a loss).

    Raises:
        ValueError: when ``budget`` is negative.

    Attributes:
        history: the ``(config, score)`` pairs told so far, in order (a list
            of tuples).
    """

    def __init__(self, configs: Sequence[Mapping[str, Any]], budget: int | None = None, *, maximize: bool = False) -> None:
        if budget is not None and budget < 0:
            raise ValueError("budget must be non-negative")
        self._configs = [dict(c) for c in configs]
        self._budget = len(self._configs) if budget is None else min(budget, len(self._configs))
        self._maximize = maximize
        self._pending: dict[str, Any] | None = None
        self.history: list[tuple[dict[str, Any], float]] = []

    def ask(self) -> dict[str, Any] | None:
        """The next config to evaluate (a new dict), or ``None`` when the budget or the configs are spent.

        Raises:
            RuntimeError: when the config handed out by the previous call
                has not been told its score yet.
        """
        if self._pending is not None:
            raise RuntimeError("tell the score of the last config first")
        if len(self.history) >= self._budget:
            return None
        self._pending = self._configs[len(self.history)]
        return dict(self._pending)

    def tell(self, score: float) -> None:
        """Record the score of the config the last :meth:`ask` returned.

        Raises:
            RuntimeError: when no config is waiting for its score.
        """
        if self._pending is None:
            raise RuntimeError("ask for a config first")
        self.history.append((self._pending, float(score)))
        self._pending = None

    def best(self) -> tuple[dict[str, Any], float] | None:
        """The best ``(config, score)`` told so far, or ``None`` when there is none.

        The lowest score (the highest with ``maximize``); on ties the one
        told first; a NaN score is never the best.
        """
        best = None
        for config, score in self.history:
            if math.isnan(score):
                continue
            if best is None or (score > best[1] if self._maximize else score < best[1]):
                best = (config, score)
        return best


class EarlyStopping:
    """Stop training when the validation score has not improved for ``patience`` steps.

    Call :meth:`step` once per evaluation (e.g. per epoch). A score
    *improves* when it is better than the best so far by strictly more
    than ``min_delta``: ``score < best - min_delta`` with ``mode="min"``,
    ``score > best + min_delta`` with ``mode="max"``. The first finite score
    always improves; a NaN never does. On an improvement ``best`` and
    ``best_step`` are updated and ``num_bad_steps`` goes back to 0;
    otherwise ``num_bad_steps`` grows by one, and once it reaches
    ``patience`` the stopper stops (``patience=0``: at the first step that
    does not improve). Once stopped, :meth:`step` returns ``True`` and
    changes nothing.

    Args:
        patience: ``>= 0``.
        min_delta: ``>= 0``.
        mode: ``"min"`` (a loss) or ``"max"`` (an accuracy).

    Raises:
        ValueError: for a negative ``patience`` or ``min_delta``, or an
            unknown ``mode``.

    Attributes:
        best: the best score so far (``None`` before the first improvement).
        best_step: the 0-based index of the :meth:`step` call that gave
            ``best`` (``None`` before).
        num_bad_steps: steps since the last improvement.
        stopped: whether training should stop.
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, mode: str = "min") -> None:
        if patience < 0 or min_delta < 0:
            raise ValueError("patience and min_delta must be non-negative")
        if mode not in ("min", "max"):
            raise ValueError("mode must be 'min' or 'max'")
        self.patience, self.min_delta, self.mode = patience, min_delta, mode
        self.best: float | None = None
        self.best_step: int | None = None
        self.num_bad_steps = 0
        self.stopped = False
        self._steps = 0

    def step(self, score: float) -> bool:
        """Record one validation score; return whether training should stop."""
        if self.stopped:
            return True
        if self._improves(score):
            self.best, self.best_step, self.num_bad_steps = score, self._steps, 0
        else:
            self.num_bad_steps += 1
            self.stopped = self.num_bad_steps >= self.patience
        self._steps += 1
        return self.stopped

    def _improves(self, score: float) -> bool:
        if math.isnan(score):
            return False
        if self.best is None:
            return True
        if self.mode == "min":
            return score < self.best - self.min_delta
        return score > self.best + self.min_delta


# ---- 2. counting compute -----------------------------------------------------------------------------------


def matmul_flops(a_shape: Sequence[int], b_shape: Sequence[int]) -> int:
    """FLOPs of ``torch.matmul(a, b)`` for tensors of these shapes, as ``FlopCounterMode`` counts them.

    ``b`` has at least two dimensions; ``a`` at least one (a vector ``(k,)``
    is a ``(1, k)`` matrix). The last two dimensions multiply as matrices,
    ``(m, k) @ (k, n)``, costing ``2 * m * k * n``; the leading (batch)
    dimensions broadcast as in NumPy, and each matrix product of the
    broadcast batch counts.

    Examples: ``(4, 5) @ (5, 6)``: 240; ``(2, 1, 4, 5) @ (3, 5, 6)``: the
    batch broadcasts to ``(2, 3)``, 1440.

    Returns:
        a Python ``int``.

    Raises:
        ValueError: when ``b`` has fewer than two dimensions, ``a`` none,
            the inner dimensions differ, or the batch dimensions do not
            broadcast.
    """
    if len(b_shape) < 2 or len(a_shape) < 1:
        raise ValueError("b needs two or more dimensions and a one or more")
    a = tuple(a_shape) if len(a_shape) > 1 else (1, *a_shape)
    (m, k), (k2, n) = a[-2:], tuple(b_shape[-2:])
    if k != k2:
        raise ValueError(f"inner dimensions differ: {k} and {k2}")
    batch = np.broadcast_shapes(a[:-2], tuple(b_shape[:-2]))
    return 2 * math.prod(batch) * m * k * n


def num_parameters(config: Mapping[str, int], *, include_embeddings: bool = False) -> int:
    """``N``, the number of parameters of the decoder (module docstring), in Kaplan et al.'s convention.

    By default the *non-embedding* parameters: the weight matrices of the
    blocks, per layer ``3 * d_model**2`` (query, key, value),
    ``d_model**2`` (output projection) and ``2 * d_model * d_ff`` (the
    MLP). Biases and LayerNorm parameters are left out (a few ``d_model``
    per layer). With ``include_embeddings`` the token and position
    embeddings, ``(vocab_size + n_ctx) * d_model``, are added; the head is
    tied to the token embedding and adds nothing.

    Returns:
        a Python ``int``.
    """
    d = config["d_model"]
    n = config["n_layer"] * (4 * d * d + 2 * d * config["d_ff"])
    if include_embeddings:
        n += (config["vocab_size"] + config["n_ctx"]) * d
    return n


def forward_flops(config: Mapping[str, int], batch_size: int, seq_len: int) -> dict[str, int]:
    """FLOPs of one forward pass of the decoder on ``(batch_size, seq_len)`` token ids, by module.

    Counted as ``FlopCounterMode`` counts them (module docstring): matrix
    products only, ``2 * m * k * n`` each. The attention core counts both
    products, the scores ``Q K^T`` and the weighted sum of ``V``, over the
    full ``seq_len x seq_len`` matrix (a causal mask saves nothing here).

    Returns:
        a dict of Python ``int``: ``"qkv"``, ``"attention"`` (the core),
        ``"out_proj"``, ``"mlp"`` and ``"layer"`` (their sum) for *one*
        block (every block costs the same); ``"head"``, the output head;
        ``"total"``, ``n_layer`` blocks plus the head.

    Raises:
        ValueError: when ``batch_size < 1``, ``seq_len < 1`` or ``seq_len >
            n_ctx``.
    """
    if batch_size < 1 or not 1 <= seq_len <= config["n_ctx"]:
        raise ValueError("need batch_size >= 1 and 1 <= seq_len <= n_ctx")
    d, tokens = config["d_model"], batch_size * seq_len
    flops = {
        "qkv": 2 * tokens * d * 3 * d,
        "attention": 2 * (2 * batch_size * seq_len * seq_len * d),
        "out_proj": 2 * tokens * d * d,
        "mlp": 2 * (2 * tokens * d * config["d_ff"]),
    }
    flops["layer"] = sum(flops.values())
    flops["head"] = 2 * tokens * d * config["vocab_size"]
    flops["total"] = config["n_layer"] * flops["layer"] + flops["head"]
    return flops


def flops_per_token(
    config: Mapping[str, int],
    *,
    seq_len: int | None = None,
    training: bool = False,
    include_attention: bool = True,
) -> int:
    """FLOPs per token of the decoder's blocks (Kaplan et al.'s ``C_forward`` and ``C = 6N``).

    Forward: ``2 * N`` with ``N = num_parameters(config)`` (non-embedding),
    plus, with ``include_attention``, ``4 * n_layer * seq_len * d_model`` for
    the attention core's two products (each token's query meets
    ``seq_len`` keys and values). Kaplan et al.'s table lists ``2 * n_layer
    * n_ctx * d_attn`` for this term; counting both products as
    ``FlopCounterMode`` does gives twice that. Embeddings and the output
    head are left out, as in Kaplan's convention.

    Training (``training=True``): three times the forward FLOPs, since the
    backward pass costs twice the forward (a gradient for the input and one
    for the weights of each product): ``6 * N`` plus ``12 * n_layer *
    seq_len * d_model``.

    Args:
        seq_len: the sequence length; ``None`` means ``config["n_ctx"]``.

    Returns:
        a Python ``int``.
    """
    seq = config["n_ctx"] if seq_len is None else seq_len
    forward = 2 * num_parameters(config)
    if include_attention:
        forward += 4 * config["n_layer"] * seq * config["d_model"]
    return 3 * forward if training else forward


def training_compute(num_params: float, num_tokens: float) -> float:
    """``C = 6 * N * D``: the training FLOPs of ``num_params`` parameters on ``num_tokens`` tokens, as a float."""
    return 6.0 * num_params * num_tokens


def mfu(
    flops_per_token: float,
    tokens_per_step: float,
    step_seconds: float,
    peak_flops: float,
    n_devices: int = 1,
) -> float:
    """Model FLOPs utilisation: achieved model FLOPs per second over the hardware's peak.

    ``tokens_per_step / step_seconds`` tokens per second, times
    ``flops_per_token`` (e.g. ``flops_per_token(config, training=True)``),
    divided by the peak of all devices, ``peak_flops * n_devices``
    (``peak_flops``: one device's peak in FLOP/s, e.g. ``312e12`` for an
    A100 in bf16).

    Returns:
        a Python ``float`` (``0.45`` means 45 %).

    Raises:
        ValueError: when ``step_seconds <= 0``, ``peak_flops <= 0``,
            ``n_devices < 1``, or ``flops_per_token`` or ``tokens_per_step``
            is negative.
    """
    if step_seconds <= 0 or peak_flops <= 0 or n_devices < 1:
        raise ValueError("step_seconds and peak_flops must be positive, n_devices at least 1")
    if flops_per_token < 0 or tokens_per_step < 0:
        raise ValueError("flops_per_token and tokens_per_step must be non-negative")
    return tokens_per_step / step_seconds * flops_per_token / (peak_flops * n_devices)


def compute_optimal(compute: float, tokens_per_parameter: float = 20.0) -> tuple[float, float]:
    """The compute-optimal ``(N, D)`` for a budget of ``compute`` training FLOPs.

    Solves ``compute = 6 * N * D`` with ``D = tokens_per_parameter * N``
    (Chinchilla: about 20 tokens per parameter):
    ``N = sqrt(compute / (6 * tokens_per_parameter))``.

    Returns:
        ``(N, D)``, two Python ``float`` (not rounded).

    Raises:
        ValueError: when ``compute <= 0`` or ``tokens_per_parameter <= 0``.
    """
    if compute <= 0 or tokens_per_parameter <= 0:
        raise ValueError("compute and tokens_per_parameter must be positive")
    n = math.sqrt(compute / (6.0 * tokens_per_parameter))
    return n, tokens_per_parameter * n
