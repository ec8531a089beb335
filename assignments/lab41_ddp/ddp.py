"""Lab 41: data-parallel training with torch.distributed (gloo, CPU processes).

Three pieces of distributed data parallelism, each written by hand and each
checked against torch:

* **sharding the data**: which examples each rank sees in an epoch, exactly
  as ``torch.utils.data.distributed.DistributedSampler`` chooses them
  (shuffle, seed, epoch, padding by repetition, ``drop_last``);
* **averaging gradients** with an all-reduce, so that every rank takes the
  same step as single-process training on the union of the ranks' batches
  (and as ``DistributedDataParallel``);
* **ZeRO stage 1**: the AdamW state is split across the ranks; gradients
  are reduce-scattered, each rank updates its slice of the flattened
  parameters, and the slices are all-gathered back into every model.

The per-rank functions (``average_gradients``, ``ddp_train``,
``zero_train``) run inside an initialised process group: they read
``dist.get_rank()`` and ``dist.get_world_size()``. ``run_distributed``
(given complete) starts the ranks (rank 0 in the calling process, the
others as forked processes), runs a list of jobs by name in each, and
returns every rank's results as plain data.

Conventions used throughout
---------------------------
* A model is a ``TinyMLP``; a *state* is its ``state_dict``: the keys
  ``fc1.weight``, ``fc1.bias``, ``fc2.weight``, ``fc2.bias`` mapping to
  float32 tensors. The model's sizes are read from the state's shapes.
* The *flattened parameters* are the concatenation of ``p.reshape(-1)`` for
  ``p`` in ``model.parameters()`` (the order above): ``numel`` entries.
* A training *config* is a dict; the keys and their defaults are listed in
  ``ddp_train`` and ``zero_train``.

What you may use: ``torch.distributed`` collectives (``all_reduce``,
``reduce_scatter_tensor``, ``all_gather_into_tensor``, ``barrier``,
``get_rank``, ``get_world_size``), ``torch.randperm`` with a
``torch.Generator``, ``torch.optim.SGD`` and ``torch.optim.AdamW``,
``F.cross_entropy``. You may NOT use ``DistributedSampler``,
``DistributedDataParallel`` or ``ZeroRedundancyOptimizer`` anywhere in this
file: a static check looks for them.
"""

from __future__ import annotations

import io
import math  # noqa: F401  (you will need these)
import socket
import traceback
from collections.abc import Iterator, Sequence
from datetime import timedelta

import torch
import torch._dynamo  # noqa: F401  (torch's optimisers import it on first use: once here, before any fork)
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F  # noqa: F401
from torch import nn

# ---- sharding the data ----------------------------------------------------------------------------


def shard_indices(
    dataset_len: int,
    num_replicas: int,
    rank: int,
    shuffle: bool = True,
    seed: int = 0,
    epoch: int = 0,
    drop_last: bool = False,
) -> list[int]:
    """The dataset indices that ``rank`` sees in ``epoch``, as ``DistributedSampler`` gives them.

    1. The order: ``torch.randperm(dataset_len, generator=g).tolist()`` with
       ``g = torch.Generator()`` seeded by ``g.manual_seed(seed + epoch)``
       when ``shuffle`` (the same seed on every rank, so that all ranks
       agree on one permutation, and a new permutation each epoch);
       ``list(range(dataset_len))`` otherwise.
    2. The per-rank count: ``num_samples = ceil(dataset_len / num_replicas)``,
       or with ``drop_last`` ``num_samples = dataset_len // num_replicas``
       (the tail is dropped so every rank gets the same count; ``0`` when
       ``dataset_len < num_replicas``; DistributedSampler writes this as
       ``ceil((dataset_len - num_replicas) / num_replicas)``). The total is
       ``total = num_samples * num_replicas``.
    3. Padding (without ``drop_last``): the order is extended to ``total``
       entries by repeating it from its start, as many times as needed
       (``[a, b]`` padded to 5 is ``[a, b, a, b, a]``). With ``drop_last``
       the order is cut to its first ``total`` entries.
    4. The shard: every ``num_replicas``-th entry starting at ``rank``,
       ``order[rank:total:num_replicas]``; its length is ``num_samples``.

    Example: ``shard_indices(5, 2, 1, shuffle=False)`` is ``[1, 3, 0]``;
    with ``drop_last=True`` it is ``[1, 3]``.

    Args:
        dataset_len: ``>= 0``, the number of examples.
        num_replicas: ``>= 1``, the number of ranks.
        rank: ``0 <= rank < num_replicas``.
        shuffle, seed, epoch, drop_last: as above.

    Returns:
        A list of ``num_samples`` Python ints.

    Raises:
        ValueError: if ``dataset_len < 0``, ``num_replicas < 1`` or ``rank``
            is outside ``[0, num_replicas)``.
    """
    raise NotImplementedError("TODO: shard one rank's indices as DistributedSampler does")


class ShardSampler:
    """An epoch-aware sampler over one rank's shard, like ``DistributedSampler``.

    ``iter(sampler)`` yields ``shard_indices(dataset_len, num_replicas, rank,
    shuffle, seed, epoch, drop_last)`` for the epoch last given to
    ``set_epoch`` (``0`` before any call); iterating twice without
    ``set_epoch`` gives the same order, and each ``set_epoch(e)`` with a new
    ``e`` a new one. ``len(sampler)`` is the shard's length.

    Raises:
        ValueError: from the constructor, for the arguments ``shard_indices``
            rejects.
    """

    def __init__(
        self,
        dataset_len: int,
        num_replicas: int,
        rank: int,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        raise NotImplementedError("TODO: validate the arguments and store them (epoch 0)")

    def set_epoch(self, epoch: int) -> None:
        """Use ``epoch`` for the next iterations (every rank must call it with the same value)."""
        raise NotImplementedError("TODO: remember the epoch")

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError("TODO: iterate over this epoch's shard")

    def __len__(self) -> int:
        raise NotImplementedError("TODO: the shard's length")


# ---- the model (given) -----------------------------------------------------------------------------


class TinyMLP(nn.Module):
    """A two-layer perceptron: ``fc2(tanh(fc1(x)))``. Given complete.

    Submodules: ``fc1 = nn.Linear(d_in, d_hidden)``, ``fc2 =
    nn.Linear(d_hidden, d_out)``; ``forward`` maps ``(B, d_in)`` to
    ``(B, d_out)`` logits.
    """

    def __init__(self, d_in: int, d_hidden: int, d_out: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.tanh(self.fc1(x)))


def model_from_state(state: dict[str, torch.Tensor]) -> TinyMLP:
    """A ``TinyMLP`` sized from ``state``'s shapes and holding copies of its tensors. Given complete."""
    d_hidden, d_in = state["fc1.weight"].shape
    d_out = state["fc2.weight"].shape[0]
    model = TinyMLP(d_in, d_hidden, d_out)
    model.load_state_dict(state)
    return model


def _state_of(model: nn.Module) -> dict[str, torch.Tensor]:
    return {name: t.detach().clone() for name, t in model.state_dict().items()}


# ---- averaging gradients ---------------------------------------------------------------------------


def average_gradients(model: nn.Module) -> None:
    """Replace every parameter's ``.grad`` by its mean over the ranks, in place (rank-side).

    For each parameter of ``model.parameters()`` whose ``.grad`` is not
    ``None`` (in that order, the same on every rank), all-reduce the
    gradient with ``dist.ReduceOp.SUM`` and divide it by
    ``dist.get_world_size()``. Parameters whose ``.grad`` is ``None`` are
    skipped (they must be ``None`` on every rank). The parameters' values
    are not touched. Must be called by every rank of the process group.
    """
    raise NotImplementedError("TODO: all-reduce (SUM) each gradient and divide by the world size")


def ddp_train(config: dict) -> dict:
    """Data-parallel training of a ``TinyMLP`` with averaged gradients (rank-side).

    With ``rank = dist.get_rank()`` and ``world = dist.get_world_size()``:

    1. ``model = model_from_state(config["state"])`` (every rank starts from
       the same weights); the optimiser is
       ``torch.optim.SGD(model.parameters(), lr, momentum=momentum,
       weight_decay=weight_decay)`` for ``"sgd"`` or
       ``torch.optim.AdamW(model.parameters(), lr,
       weight_decay=weight_decay)`` for ``"adamw"``, built once.
    2. ``sampler = ShardSampler(len(x), world, rank, shuffle, seed,
       drop_last)``. For each ``epoch`` in ``range(epochs)``:
       ``sampler.set_epoch(epoch)``; ``indices = list(sampler)``; the
       batches are ``indices[i : i + batch_size]`` for ``i`` in
       ``range(0, len(indices), batch_size)`` (the last may be shorter; it is
       the same length on every rank).
    3. Each step: zero the gradients; ``loss = F.cross_entropy(model(x[b]),
       y[b])`` (the mean over this rank's batch ``b``); ``loss.backward()``;
       ``average_gradients(model)``; ``optimizer.step()``.

    Every rank then holds the same weights, equal (up to rounding) to
    single-process training whose step ``k`` uses the concatenation of all
    ranks' ``k``-th batches, and to ``DistributedDataParallel``.

    Config keys: ``state`` (required), ``x`` (required, ``(N, d_in)``
    float32), ``y`` (required, ``(N,)`` int64 class ids), ``batch_size``
    (required, ``>= 1``, per rank), ``epochs`` (1), ``shuffle`` (True),
    ``seed`` (0), ``drop_last`` (False), ``optimizer`` (``"sgd"``), ``lr``
    (0.1), ``momentum`` (0.0, SGD only), ``weight_decay`` (0.0).

    Returns:
        ``{"indices": [...], "losses": [...], "state": {...}}``: the list of
        each epoch's ``indices`` (lists of ints), this rank's local loss of
        every step (Python floats, before the step), and the final state
        (float32 tensors, detached copies).

    Raises:
        ValueError: if ``batch_size < 1``, ``epochs < 0`` or ``optimizer``
            is not ``"sgd"`` or ``"adamw"``.
    """
    raise NotImplementedError("TODO: the data-parallel training loop of one rank")


# ---- ZeRO stage 1 ----------------------------------------------------------------------------------


def shard_range(numel: int, world_size: int, rank: int) -> tuple[int, int]:
    """The slice ``[start, stop)`` of the flattened parameters that ``rank`` owns in ZeRO-1.

    The flat vector is padded with zeros to ``chunk * world_size`` entries,
    ``chunk = ceil(numel / world_size)``, and cut into ``world_size`` equal
    chunks; rank ``r`` owns chunk ``r`` without its padding:
    ``start = min(r * chunk, numel)``, ``stop = min(start + chunk, numel)``.
    So every entry has exactly one owner, the last ranks may own fewer
    entries (or none), and ``numel = 0`` gives ``(0, 0)``. Example:
    ``shard_range(10, 3, 2)`` is ``(8, 10)``.

    Raises:
        ValueError: if ``numel < 0``, ``world_size < 1`` or ``rank`` is
            outside ``[0, world_size)``.
    """
    raise NotImplementedError("TODO: the [start, stop) slice this rank owns")


def zero_train(config: dict) -> dict:
    """Data-parallel AdamW training with ZeRO-1 optimiser-state sharding (rank-side).

    The model, data, sampler, batches and local losses are those of
    ``ddp_train`` (the same config keys; the optimiser is always AdamW, with
    ``lr`` default 0.01 and ``weight_decay`` default 0.01, other AdamW
    arguments at torch's defaults). What changes is the step. With ``numel``
    the size of the flattened parameters, ``chunk = ceil(numel / world)``
    and ``(start, stop) = shard_range(numel, world, rank)``:

    * Before training, this rank keeps a *master shard*: a leaf float32
      tensor (an ``nn.Parameter``) holding a copy of the flattened
      parameters' ``[start:stop]``, and ONE ``torch.optim.AdamW`` over that
      single tensor. No other rank's entries have optimiser state here.
    * Each step, after ``loss.backward()`` (no ``average_gradients``):
      flatten the gradients, pad them with zeros to ``chunk * world``
      entries, and ``dist.reduce_scatter_tensor`` them (``SUM``) into a
      ``chunk``-sized tensor: rank ``r`` receives the summed chunk ``r``.
      Divide by ``world``, keep the first ``stop - start`` entries as the
      master shard's ``.grad`` and take the AdamW step on the shard.
    * Then ``dist.all_gather_into_tensor`` the master shards (each padded to
      ``chunk``) into a ``chunk * world`` vector and copy its first
      ``numel`` entries back into the model's parameters (under
      ``torch.no_grad()``), so that every rank holds the full updated model.

    The final weights equal single-process AdamW on the concatenated batches
    (and ``ddp_train`` with ``"adamw"``), up to rounding, while each rank
    stores only about ``1 / world`` of the optimiser state.

    Returns:
        ``{"indices", "losses", "state"}`` as ``ddp_train`` returns them,
        plus ``"shard"``: ``(start, stop)``, and ``"optimizer_state"``:
        ``optimizer.state_dict()["state"]`` of the shard's AdamW (one entry,
        key 0, with ``"step"``, ``"exp_avg"`` and ``"exp_avg_sq"`` of
        ``stop - start`` entries); detached copies. A rank that owns no
        entries still takes part in every collective.

    Raises:
        ValueError: if ``batch_size < 1`` or ``epochs < 0``.
    """
    raise NotImplementedError("TODO: ZeRO-1 training of one rank: reduce-scatter, AdamW on the shard, all-gather")


# ---- running the ranks (given) ---------------------------------------------------------------------


def _average_job(config: dict) -> dict:
    """Test job: load ``config["state"]``, set this rank's ``config["grads"][rank]`` (name -> tensor or None)
    as the gradients, call ``average_gradients`` and return the gradients and the state."""
    model = model_from_state(config["state"])
    grads = config["grads"][dist.get_rank()]
    for name, param in model.named_parameters():
        param.grad = None if grads.get(name) is None else grads[name].clone()
    average_gradients(model)
    return {
        "grads": {name: None if p.grad is None else p.grad.detach().clone() for name, p in model.named_parameters()},
        "state": _state_of(model),
    }


_JOB_NAMES = ("average_gradients", "ddp_train", "zero_train")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_rank(rank: int, world_size: int, port: int, jobs: list, timeout: float) -> list:
    dist.init_process_group(
        "gloo",
        init_method=f"tcp://127.0.0.1:{port}",
        rank=rank,
        world_size=world_size,
        timeout=timedelta(seconds=timeout),
    )
    try:
        functions = {"average_gradients": _average_job, "ddp_train": ddp_train, "zero_train": zero_train}
        results = [functions[name](config) for name, config in jobs]
        dist.barrier()
    finally:
        dist.destroy_process_group()
    return results


def _rank_main(rank: int, world_size: int, port: int, jobs: list, timeout: float, queue) -> None:
    try:
        torch.set_num_threads(1)  # the ranks share the CPU; a forked OpenMP pool can also deadlock
        buffer = io.BytesIO()
        torch.save(_run_rank(rank, world_size, port, jobs, timeout), buffer)
        queue.put((rank, True, buffer.getvalue()))
    except Exception:
        queue.put((rank, False, traceback.format_exc()))


def run_distributed(jobs: Sequence[tuple[str, dict]], world_size: int = 2, timeout: float = 60.0) -> list[list]:
    """Run ``jobs`` in ``world_size`` ranks of one gloo process group. Given complete.

    Rank 0 runs in the calling process; ranks ``1 .. world_size - 1`` are
    forked processes. Each job is ``(name, config)`` with ``name`` one of
    ``"ddp_train"``, ``"zero_train"`` (the functions of that name) or
    ``"average_gradients"`` (a test job: it sets per-rank gradients
    ``config["grads"][rank]``, calls ``average_gradients`` and returns the
    gradients and the state). Every rank runs the jobs in order, then all
    meet at a barrier; a job that raises on any rank makes this function
    raise ``RuntimeError`` with that rank's traceback (the forked ranks are
    then killed).

    Returns:
        ``results[j][r]``: job ``j``'s return value on rank ``r``.

    Raises:
        ValueError: if ``world_size < 1`` or a job name is unknown.
        RuntimeError: if a rank fails or does not answer within ``timeout``
            seconds.
    """
    if world_size < 1:
        raise ValueError(f"world_size must be >= 1, got {world_size}")
    jobs = [(name, config) for name, config in jobs]
    for name, _ in jobs:
        if name not in _JOB_NAMES:
            raise ValueError(f"unknown job {name!r}; expected one of {_JOB_NAMES}")
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    port = _free_port()
    others = [
        ctx.Process(target=_rank_main, args=(rank, world_size, port, jobs, timeout, queue))
        for rank in range(1, world_size)
    ]
    for process in others:
        process.start()
    answers = {}
    try:
        _rank_main(0, world_size, port, jobs, timeout, queue)  # rank 0, here
        for _ in range(world_size):
            try:
                rank, ok, payload = queue.get(timeout=timeout)
            except Exception:
                raise RuntimeError(f"no answer from the ranks within {timeout} s") from None
            if not ok:
                raise RuntimeError(f"rank {rank} failed:\n{payload}")
            answers[rank] = torch.load(io.BytesIO(payload))
    finally:
        for process in others:  # every answer is in (or one rank failed): stop the rest
            process.kill()
            process.join()
    return [[answers[rank][j] for rank in range(world_size)] for j in range(len(jobs))]
