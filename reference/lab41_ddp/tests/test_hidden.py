"""Hidden tests for lab 41 (data-parallel training with torch.distributed on gloo).

Oracles, all run here in the trusted process:

* ``torch.utils.data.distributed.DistributedSampler`` for every rank's
  indices (shuffle, seed, ``set_epoch``, padding, ``drop_last``);
* single-process training of the same ``TinyMLP`` whose step ``k`` takes
  the mean loss over the concatenation of every rank's ``k``-th batch (the
  sampler's shards): averaged-gradient data parallelism and ZeRO-1 both
  equal it mathematically;
* ``torch.nn.parallel.DistributedDataParallel`` itself, run in two ranks
  forked from this trusted process (no student code in them).

The student's ranks are started by the student's ``run_distributed`` in
the grading worker; the tests start as few process groups as they can (one
per kind of job and world size) and compare the returned plain data.
"""

from __future__ import annotations

import io
import math
import socket
from datetime import timedelta

import pytest
import torch
import torch._dynamo  # noqa: F401  (torch's optimisers import it on first use: once, before any fork)
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data.distributed import DistributedSampler

from autograder.testing import assert_close, check

NAMES = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")
TOL = dict(atol=2e-6, rtol=1e-5)
TIMEOUT = 30.0


class OracleMLP(nn.Module):
    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_out)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def init_state(d_in, d_hidden, d_out, seed) -> dict:
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = OracleMLP(d_in, d_hidden, d_out)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def dataset(n, d_in, d_out, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d_in, generator=g), torch.randint(d_out, (n,), generator=g)


def make_config(n, data_seed, dims=(3, 4, 3), **options) -> dict:
    x, y = dataset(n, dims[0], dims[2], data_seed)
    return dict(state=init_state(*dims, seed=data_seed + 100), x=x, y=y, **options)


def sampler_oracle(n, replicas, rank, shuffle=True, seed=0, epoch=0, drop_last=False) -> list[int]:
    sampler = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=seed,
                                 drop_last=drop_last)
    sampler.set_epoch(epoch)
    return list(sampler)


def model_of(state) -> OracleMLP:
    model = OracleMLP(state["fc1.weight"].shape[1], state["fc1.weight"].shape[0], state["fc2.weight"].shape[0])
    model.load_state_dict(state)
    return model


def optimizer_of(model, cfg, zero=False):
    if zero or cfg.get("optimizer", "sgd") == "adamw":
        lr, wd = (cfg.get("lr", 0.01), cfg.get("weight_decay", 0.01)) if zero else (cfg.get("lr", 0.1),
                                                                                     cfg.get("weight_decay", 0.0))
        return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    return torch.optim.SGD(model.parameters(), lr=cfg.get("lr", 0.1), momentum=cfg.get("momentum", 0.0),
                           weight_decay=cfg.get("weight_decay", 0.0))


_CACHE: dict = {}


def single_process(cfg, world, zero=False) -> dict:
    key = (id(cfg), world, zero)
    if key not in _CACHE:
        _CACHE[key] = _single_process(cfg, world, zero)
    return _CACHE[key]


def _single_process(cfg, world, zero=False) -> dict:
    """Single-process training on the concatenated per-rank batches of the sampler's shards."""
    x, y, bs = cfg["x"], cfg["y"], cfg["batch_size"]
    model = model_of(cfg["state"])
    opt = optimizer_of(model, cfg, zero)
    indices = [[] for _ in range(world)]
    losses = [[] for _ in range(world)]
    for epoch in range(cfg.get("epochs", 1)):
        shards = [sampler_oracle(len(x), world, r, cfg.get("shuffle", True), cfg.get("seed", 0), epoch,
                                 cfg.get("drop_last", False)) for r in range(world)]
        for r in range(world):
            indices[r].append(shards[r])
        for start in range(0, len(shards[0]), bs):
            parts = [s[start:start + bs] for s in shards]
            with torch.no_grad():
                for r in range(world):
                    losses[r].append(F.cross_entropy(model(x[parts[r]]), y[parts[r]]).item())
            every = sum(parts, [])
            opt.zero_grad()
            F.cross_entropy(model(x[every]), y[every]).backward()
            opt.step()
    params = list(model.parameters())
    out = dict(indices=indices, losses=losses, state={k: v.detach().clone() for k, v in model.state_dict().items()},
               numel=sum(p.numel() for p in params))
    if zero and opt.state:
        for key in ("exp_avg", "exp_avg_sq"):
            out[key] = torch.cat([opt.state[p][key].reshape(-1) for p in params])
        out["step"] = float(opt.state[params[0]]["step"])
    return out


# ---- the DistributedDataParallel oracle: ranks forked from this trusted process -------------------


def _torch_ddp_rank(rank, world, port, cfg, queue):
    try:
        torch.set_num_threads(1)
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world,
                                timeout=timedelta(seconds=TIMEOUT))
        model = DistributedDataParallel(model_of(cfg["state"]))
        opt = optimizer_of(model, cfg)
        sampler = DistributedSampler(range(len(cfg["x"])), num_replicas=world, rank=rank,
                                     shuffle=cfg.get("shuffle", True), seed=cfg.get("seed", 0),
                                     drop_last=cfg.get("drop_last", False))
        for epoch in range(cfg.get("epochs", 1)):
            sampler.set_epoch(epoch)
            shard = list(sampler)
            for start in range(0, len(shard), cfg["batch_size"]):
                part = shard[start:start + cfg["batch_size"]]
                opt.zero_grad()
                F.cross_entropy(model(cfg["x"][part]), cfg["y"][part]).backward()
                opt.step()
        dist.destroy_process_group()
        buffer = io.BytesIO()
        torch.save({k: v.detach().clone() for k, v in model.module.state_dict().items()}, buffer)
        queue.put((rank, buffer.getvalue()))
    except BaseException as exc:  # pragma: no cover - reported below
        queue.put((rank, repr(exc)))


def torch_ddp(cfg, world=2) -> list[dict]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    ranks = [ctx.Process(target=_torch_ddp_rank, args=(r, world, port, cfg, queue), daemon=True) for r in range(world)]
    for p in ranks:
        p.start()
    out = {}
    try:
        for _ in ranks:
            rank, payload = queue.get(timeout=TIMEOUT)
            assert isinstance(payload, bytes), f"the DDP oracle failed: {payload}"
            out[rank] = torch.load(io.BytesIO(payload))
    finally:
        for p in ranks:
            p.join(5)
            if p.is_alive():
                p.kill()
    return [out[r] for r in range(world)]


# ---- checks ---------------------------------------------------------------------------------------


def check_state(actual, expected, what, **tolerance) -> None:
    check(isinstance(actual, dict), f"{what}: expected a state dict, got {type(actual).__name__}")
    check(sorted(actual) == sorted(expected), f"{what}: the state's keys should be {list(NAMES)}")
    for name in NAMES:
        assert_close(actual[name], expected[name], **(tolerance or TOL), what=f"{what}: {name}")


def check_rank_results(results, world, what) -> None:
    check(isinstance(results, list) and len(results) == world,
          f"{what}: run_distributed should return one result per rank ({world})")
    for r, res in enumerate(results):
        check(isinstance(res, dict), f"{what}: rank {r} should return a dict, got {type(res).__name__}")


def check_training(results, expected, world, what, losses=True) -> None:
    check_rank_results(results, world, what)
    for r, res in enumerate(results):
        check(res["indices"] == expected["indices"][r],
              f"{what}: rank {r}'s indices per epoch differ from DistributedSampler's shard")
        if losses:
            check(len(res["losses"]) == len(expected["losses"][r]),
                  f"{what}: rank {r} should report {len(expected['losses'][r])} losses, one per step")
            assert_close(torch.tensor(res["losses"], dtype=torch.float64),
                         torch.tensor(expected["losses"][r], dtype=torch.float64), atol=1e-5, rtol=1e-5,
                         what=f"{what}: rank {r}'s local losses")
        check_state(res["state"], expected["state"], f"{what}: rank {r}'s final weights")


# ---- sharding the data (pure functions) -----------------------------------------------------------


@pytest.mark.points(2)
def test_shard_indices_docstring_example(lab):
    """shard_indices(5, 2, 1, shuffle=False) pads by repetition; drop_last drops the tail."""
    check(lab.shard_indices(5, 2, 1, shuffle=False) == [1, 3, 0], "the docstring's padding example")
    check(lab.shard_indices(5, 2, 0, shuffle=False) == [0, 2, 4], "rank 0 of the docstring's example")
    check(lab.shard_indices(5, 2, 1, shuffle=False, drop_last=True) == [1, 3], "the docstring's drop_last example")


SHARD_CASES = {
    "unshuffled_padding": [(n, w, r, False, 0, 0, False) for n, w in ((7, 2), (10, 3), (11, 4), (2, 2), (9, 1))
                           for r in range(w)],
    "shuffled_seeds_epochs": [(n, w, r, True, seed, epoch, False)
                              for n, w, seed, epoch in ((10, 2, 0, 0), (13, 3, 5, 2), (16, 4, 1, 7), (9, 2, 3, 1))
                              for r in range(w)],
    "drop_last": [(n, w, r, shuffle, 2, 1, True) for n, w, shuffle in ((7, 2, False), (11, 3, True), (12, 3, True),
                                                                        (10, 4, False), (13, 4, True))
                  for r in range(w)],
    "tiny_datasets": [(n, w, r, shuffle, 0, 0, drop) for n, w in ((0, 2), (1, 3), (2, 5), (3, 4))
                      for r in range(w) for shuffle in (False, True) for drop in (False, True)],
}


@pytest.mark.points(3)
@pytest.mark.parametrize("kind", list(SHARD_CASES))
def test_shard_indices_match_distributed_sampler(lab, kind):
    """every rank's indices equal DistributedSampler's (shuffle, seed, epoch, padding, drop_last, tiny datasets)."""
    cases = SHARD_CASES[kind]
    got = lab.map(lab.shard_indices, cases)
    for case, out in zip(cases, got):
        n, w, r, shuffle, seed, epoch, drop = case
        check(isinstance(out, list) and all(type(i) is int for i in out),
              "shard_indices should return a list of Python ints")
        check(out == sampler_oracle(n, w, r, shuffle, seed, epoch, drop),
              f"shard_indices(dataset_len={n}, num_replicas={w}, rank={r}, shuffle={shuffle}, seed={seed}, "
              f"epoch={epoch}, drop_last={drop}) differs from DistributedSampler")


@pytest.mark.points(2)
def test_shard_indices_defaults_and_keywords(lab):
    """the defaults are shuffle=True, seed=0, epoch=0, drop_last=False; keyword calls work."""
    check(lab.shard_indices(11, 3, 2) == sampler_oracle(11, 3, 2), "shard_indices(11, 3, 2) with the defaults")
    out = lab.shard_indices(dataset_len=11, num_replicas=3, rank=1, seed=4, epoch=3, drop_last=True)
    check(out == sampler_oracle(11, 3, 1, True, 4, 3, True), "a call with keywords only")


@pytest.mark.points(2)
def test_shard_indices_errors(lab):
    """negative dataset_len, num_replicas < 1 and a rank outside [0, num_replicas) raise ValueError."""
    check(lab.shard_indices(4, 2, 1, shuffle=False) == [1, 3], "a valid call first")
    check(lab.shard_indices(0, 1, 0) == [], "an empty dataset gives an empty shard")
    for args in ((-1, 2, 0), (4, 0, 0), (4, 2, 2), (4, 2, 3), (4, 2, -1), (4, 3, 3)):
        with pytest.raises(ValueError):
            lab.shard_indices(*args)


@pytest.mark.points(4)
def test_sampler_set_epoch_and_len(lab):
    """ShardSampler yields epoch 0 until set_epoch, a new order per epoch, the same one when iterated twice."""
    sampler = lab.ShardSampler(13, 3, 1, seed=6)
    check(len(sampler) == 5, "len(ShardSampler(13, 3, 1)) should be the shard's length")
    check(list(sampler) == sampler_oracle(13, 3, 1, True, 6, 0), "before any set_epoch the epoch is 0")
    sampler.set_epoch(4)
    first = list(sampler)
    check(first == sampler_oracle(13, 3, 1, True, 6, 4), "after set_epoch(4) the order is epoch 4's")
    check(list(sampler) == first, "iterating twice without set_epoch should give the same order")
    sampler.set_epoch(5)
    check(list(sampler) == sampler_oracle(13, 3, 1, True, 6, 5), "after set_epoch(5) the order is epoch 5's")
    other = lab.ShardSampler(10, 4, 3, shuffle=False, drop_last=True)
    other.set_epoch(2)
    check(list(other) == sampler_oracle(10, 4, 3, False, 0, 2, True) and len(other) == 2,
          "ShardSampler(10, 4, 3, shuffle=False, drop_last=True)")
    plain = lab.ShardSampler(9, 2, 0)
    check(list(plain) == sampler_oracle(9, 2, 0), "ShardSampler(9, 2, 0) with the defaults (shuffle, seed 0)")
    padded = lab.ShardSampler(10, 4, 3, shuffle=False)
    check(len(padded) == 3 and list(padded) == sampler_oracle(10, 4, 3, False), "ShardSampler(10, 4, 3) pads")


@pytest.mark.points(1)
def test_sampler_errors(lab):
    """ShardSampler rejects what shard_indices rejects."""
    check(len(lab.ShardSampler(4, 2, 0)) == 2, "a valid sampler first")
    for args in ((-1, 2, 0), (4, 0, 0), (4, 2, 2), (4, 2, 5)):
        with pytest.raises(ValueError):
            lab.ShardSampler(*args)


# ---- ZeRO shard boundaries (pure) -----------------------------------------------------------------


def shard_range_oracle(numel, world, rank):
    chunk = math.ceil(numel / world)
    padded = torch.arange(chunk * world).chunk(world)[rank] if chunk else torch.arange(0)
    owned = [int(i) for i in padded if i < numel]
    return (owned[0], owned[-1] + 1) if owned else (numel, numel)


@pytest.mark.points(4)
def test_shard_range_matches_padded_chunks(lab):
    """shard_range equals the equal chunks of the zero-padded flat vector, for many sizes and world sizes."""
    cases = [(numel, world, rank) for numel in (0, 1, 2, 5, 10, 31, 32, 33) for world in (1, 2, 3, 4, 7)
             for rank in range(world)]
    got = lab.map(lab.shard_range, cases)
    for (numel, world, rank), out in zip(cases, got):
        check(tuple(out) == shard_range_oracle(numel, world, rank),
              f"shard_range(numel={numel}, world_size={world}, rank={rank})")
    check(tuple(lab.shard_range(10, 3, 2)) == (8, 10), "the docstring's example")


@pytest.mark.points(2)
def test_shard_range_errors(lab):
    """negative numel, world_size < 1 and a rank outside [0, world_size) raise ValueError."""
    check(tuple(lab.shard_range(numel=4, world_size=2, rank=1)) == (2, 4), "a valid keyword call first")
    for args in ((-1, 2, 0), (4, 0, 0), (4, 2, 2), (4, 2, 3), (4, 2, -1)):
        with pytest.raises(ValueError):
            lab.shard_range(*args)


# ---- averaging gradients --------------------------------------------------------------------------


def grads_for(world, seed, none=()):
    g = torch.Generator().manual_seed(seed)
    state = init_state(3, 4, 3, seed)
    return [{name: None if name in none else torch.randn(state[name].shape, generator=g) * (10 ** rank)
             for name in NAMES} for rank in range(world)]


AVERAGE_JOBS = {
    2: [dict(state=init_state(3, 4, 3, 1), grads=grads_for(2, 1)),
        dict(state=init_state(3, 4, 3, 2), grads=grads_for(2, 2, none=("fc2.bias",)))],
    3: [dict(state=init_state(3, 4, 3, 3), grads=grads_for(3, 3, none=("fc1.bias",)))],
}


@pytest.fixture(scope="module")
def average_runs(lab):
    runs = {2: lab.run_distributed([("average_gradients", cfg) for cfg in AVERAGE_JOBS[2]])}  # the default world: 2
    runs[3] = lab.run_distributed([("average_gradients", cfg) for cfg in AVERAGE_JOBS[3]], 3, timeout=TIMEOUT)
    return runs


@pytest.mark.points(5)
@pytest.mark.parametrize("world", [2, 3])
def test_average_gradients_is_the_mean_over_ranks(average_runs, world):
    """average_gradients leaves every rank the mean of the ranks' gradients (None stays None), weights untouched."""
    for j, cfg in enumerate(AVERAGE_JOBS[world]):
        results = average_runs[world][j]
        check_rank_results(results, world, f"average_gradients job {j} ({world} ranks)")
        for r, res in enumerate(results):
            for name in NAMES:
                given = [cfg["grads"][q][name] for q in range(world)]
                got = res["grads"][name]
                if given[0] is None:
                    check(got is None, f"rank {r}: a parameter without a gradient should keep .grad None")
                else:
                    assert_close(got, torch.stack(given).mean(0), atol=1e-5, rtol=1e-6,
                                 what=f"{world} ranks: rank {r}'s averaged gradient of {name}")
            check_state(res["state"], cfg["state"], f"rank {r}: the weights after average_gradients",
                        atol=0.0, rtol=0.0)


# ---- data-parallel training -----------------------------------------------------------------------


DDP_JOBS = {
    "sgd_momentum": make_config(21, 1, batch_size=3, epochs=2, seed=5, optimizer="".join(["s", "gd"]), lr=0.2,
                                momentum=0.9, weight_decay=0.01),
    "adamw": make_config(18, 2, batch_size=4, epochs=2, seed=1, optimizer="".join(["adam", "w"]), lr=0.02,
                         weight_decay=0.1),
    "defaults": make_config(9, 3, batch_size=2),
    "no_epochs": make_config(8, 4, batch_size=1, epochs=0),
}
DDP3_JOBS = {
    "drop_last_unshuffled": make_config(17, 5, batch_size=2, epochs=2, shuffle=False, drop_last=True, lr=0.3),
    "adamw_padding": make_config(16, 6, batch_size=5, epochs=2, seed=9, optimizer="adamw", lr=0.05,
                                 weight_decay=0.0),
}


@pytest.fixture(scope="module")
def ddp_runs(lab):
    out = {}
    for world, jobs in ((2, DDP_JOBS), (3, DDP3_JOBS)):
        results = lab.run_distributed([("ddp_train", cfg) for cfg in jobs.values()], world, timeout=TIMEOUT)
        check(isinstance(results, list) and len(results) == len(jobs), "run_distributed: one result per job")
        out.update(zip(jobs, results))
    return out


@pytest.mark.points(8)
def test_ddp_train_sgd_momentum_equals_single_process(ddp_runs):
    """SGD with momentum and weight decay over 2 shuffled epochs equals single-process training."""
    check_training(ddp_runs["sgd_momentum"], single_process(DDP_JOBS["sgd_momentum"], 2), 2, "ddp_train (SGD)")


@pytest.mark.points(6)
def test_ddp_train_adamw_equals_single_process(ddp_runs):
    """AdamW with weight decay over 2 epochs equals single-process training on the concatenated batches."""
    check_training(ddp_runs["adamw"], single_process(DDP_JOBS["adamw"], 2), 2, "ddp_train (AdamW)")


@pytest.mark.points(6)
def test_ddp_train_equals_torch_ddp(ddp_runs):
    """the final weights equal torch's DistributedDataParallel with DistributedSampler, SGD and AdamW."""
    for name in ("sgd_momentum", "adamw"):
        oracle = torch_ddp(DDP_JOBS[name], 2)
        for r, res in enumerate(ddp_runs[name]):
            check_state(res["state"], oracle[r], f"ddp_train ({name}) against DistributedDataParallel, rank {r}")


@pytest.mark.points(3)
def test_ddp_train_defaults_and_no_epochs(ddp_runs):
    """the config defaults (SGD, lr 0.1, 1 shuffled epoch, seed 0) and epochs=0 with batches of 1 (no step)."""
    check_training(ddp_runs["defaults"], single_process(DDP_JOBS["defaults"], 2), 2, "ddp_train with the defaults")
    for r, res in enumerate(ddp_runs["no_epochs"]):
        check(res["indices"] == [] and res["losses"] == [], f"epochs=0: rank {r} should take no step")
        check_state(res["state"], DDP_JOBS["no_epochs"]["state"], f"epochs=0: rank {r}'s weights", atol=0.0, rtol=0.0)


@pytest.mark.points(6)
@pytest.mark.parametrize("name", list(DDP3_JOBS))
def test_ddp_train_three_ranks(ddp_runs, name):
    """three ranks: drop_last without shuffling, and padded shards with AdamW, equal single-process training."""
    check_training(ddp_runs[name], single_process(DDP3_JOBS[name], 3), 3, f"ddp_train ({name}, 3 ranks)")


# ---- ZeRO-1 ---------------------------------------------------------------------------------------


ZERO_JOBS = {
    "main": make_config(20, 7, dims=(2, 5, 3), batch_size=3, epochs=2, seed=2, lr=0.03, weight_decay=0.05),
    "defaults": make_config(10, 8, batch_size=1),
    "no_epochs": make_config(6, 3, batch_size=1, epochs=0),
}
ZERO3_JOBS = {"three": make_config(19, 9, batch_size=2, epochs=2, seed=4, lr=0.02, weight_decay=0.1)}


@pytest.fixture(scope="module")
def zero_runs(lab):
    out = {}
    for world, jobs in ((2, ZERO_JOBS), (3, ZERO3_JOBS)):
        results = lab.run_distributed([("zero_train", cfg) for cfg in jobs.values()], world, timeout=TIMEOUT)
        check(isinstance(results, list) and len(results) == len(jobs), "run_distributed: one result per job")
        out.update(zip(jobs, results))
    return out


def check_zero(results, cfg, world, what) -> None:
    expected = single_process(cfg, world, zero=True)
    check_training(results, expected, world, what)
    for r, res in enumerate(results):
        start, stop = shard_range_oracle(expected["numel"], world, r)
        check(tuple(res["shard"]) == (start, stop), f"{what}: rank {r}'s shard should be [{start}, {stop})")
        state = res["optimizer_state"]
        check(isinstance(state, dict) and list(state) == [0],
              f"{what}: rank {r}'s AdamW should hold state for exactly one tensor, its master shard")
        entry = state[0]
        check(float(entry["step"]) == expected["step"], f"{what}: rank {r}'s AdamW step count")
        for key in ("exp_avg", "exp_avg_sq"):
            check(entry[key].numel() == stop - start,
                  f"{what}: rank {r}'s {key} should have {stop - start} entries (its shard), "
                  f"not {entry[key].numel()}")
            assert_close(entry[key].reshape(-1), expected[key][start:stop], atol=1e-6, rtol=1e-4,
                         what=f"{what}: rank {r}'s {key} against AdamW's state for its slice")


@pytest.mark.points(7)
def test_zero_equals_single_process_adamw(zero_runs):
    """ZeRO-1 weights, losses and indices equal single-process AdamW on the concatenated batches."""
    check_training(zero_runs["main"], single_process(ZERO_JOBS["main"], 2, zero=True), 2, "zero_train")


@pytest.mark.points(8)
def test_zero_optimizer_state_is_sharded(zero_runs):
    """each rank keeps AdamW state for its slice only, equal to that slice of single-process AdamW's state."""
    check_zero(zero_runs["main"], ZERO_JOBS["main"], 2, "zero_train")


@pytest.mark.points(3)
def test_zero_defaults(zero_runs):
    """the ZeRO defaults (AdamW, lr 0.01, weight decay 0.01, one shuffled epoch), batches of 1, epochs=0."""
    check_zero(zero_runs["defaults"], ZERO_JOBS["defaults"], 2, "zero_train with the defaults")
    for r, res in enumerate(zero_runs["no_epochs"]):
        check(res["indices"] == [] and res["losses"] == [], f"epochs=0: rank {r} should take no step")
        check_state(res["state"], ZERO_JOBS["no_epochs"]["state"], f"epochs=0: rank {r}'s weights", atol=0.0, rtol=0.0)


@pytest.mark.points(5)
def test_zero_three_ranks(zero_runs):
    """three ranks over 31 parameters: a short last slice, every slice's state and the weights right."""
    check_zero(zero_runs["three"], ZERO3_JOBS["three"], 3, "zero_train (3 ranks)")


# ---- errors ---------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_training_config_errors(lab):
    """one rank works; batch_size < 1, epochs < 0, unknown optimizers raise ValueError in the ranks; bad jobs refused."""
    one = lab.run_distributed([("average_gradients", AVERAGE_JOBS[2][0])], 1, timeout=TIMEOUT)[0][0]
    assert_close(one["grads"]["fc1.weight"], AVERAGE_JOBS[2][0]["grads"][0]["fc1.weight"], atol=0.0, rtol=0.0,
                 what="one rank: the average of one gradient is that gradient")
    bad = [("ddp_train", make_config(6, 1, batch_size=0)),
           ("ddp_train", make_config(6, 1, batch_size=0, epochs=0)),
           ("ddp_train", make_config(6, 1, batch_size=2, optimizer="adam")),
           ("ddp_train", make_config(6, 1, batch_size=2, optimizer="sgd_nesterov")),
           ("ddp_train", make_config(6, 1, batch_size=2, optimizer="lamb")),
           ("ddp_train", make_config(6, 1, batch_size=1, epochs=-1)),
           ("zero_train", make_config(6, 1, batch_size=0)),
           ("zero_train", make_config(6, 1, batch_size=2, epochs=-1))]
    for name, cfg in bad:
        with pytest.raises(RuntimeError) as info:
            lab.run_distributed([(name, cfg)], 2, timeout=TIMEOUT)
        check("ValueError" in str(info.value), f"{name} with a bad config should raise ValueError in the ranks")
    for jobs, world in (([("ddp_train", make_config(6, 1, batch_size=1))], 0), ([("train", {})], 2)):
        with pytest.raises(ValueError):
            lab.run_distributed(jobs, world)
