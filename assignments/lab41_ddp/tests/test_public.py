"""Public sanity checks for lab 41 (data-parallel training on gloo).

Run with ``autograder test lab41_ddp``. Passing these does not mean the
hidden tests pass: those compare every rank's indices with
``DistributedSampler`` over many sizes, seeds, epochs and ``drop_last``
settings, and the training runs (two and three ranks, SGD with momentum,
AdamW, ZeRO-1) with single-process training and with torch's
``DistributedDataParallel`` step by step, including each rank's AdamW state.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check


def test_unshuffled_shards_of_seven_examples(lab):
    """7 examples on 2 ranks without shuffling: rank 0 gets 0,2,4,6 and rank 1 gets 1,3,5 plus a repeat of 0."""
    check(lab.shard_indices(7, 2, 0, shuffle=False) == [0, 2, 4, 6], "rank 0 of 7 examples, 2 ranks")
    check(lab.shard_indices(7, 2, 1, shuffle=False) == [1, 3, 5, 0], "rank 1 is padded with the first index")


def test_shuffled_shards_partition_one_permutation(lab):
    """With 8 examples and 2 ranks the two shuffled shards are disjoint and cover everything."""
    a = lab.shard_indices(8, 2, 0, shuffle=True, seed=3, epoch=1)
    b = lab.shard_indices(8, 2, 1, shuffle=True, seed=3, epoch=1)
    check(sorted(a + b) == list(range(8)), "the ranks' shards should together hold every index once")
    c = lab.shard_indices(8, 2, 0, shuffle=True, seed=3, epoch=2)
    check(a != c, "a different epoch should (here) give a different order")


def test_owned_slices_of_a_flat_vector(lab):
    """shard_range cuts 7 entries over 2 ranks as [0, 4) and [4, 7)."""
    check(tuple(lab.shard_range(7, 2, 0)) == (0, 4), "rank 0 of 7 entries")
    check(tuple(lab.shard_range(7, 2, 1)) == (4, 7), "rank 1 of 7 entries")


def test_two_ranks_train_like_one_process(lab):
    """Two ranks with ddp_train (plain SGD, no shuffle) end with the weights of one process on the whole batch."""
    g = torch.Generator().manual_seed(0)
    model = lab.TinyMLP(3, 4, 2)
    state = model.state_dict()
    x = torch.randn(8, 3, generator=g)
    y = torch.randint(2, (8,), generator=g)
    config = dict(state=state, x=x, y=y, batch_size=4, shuffle=False, lr=0.5)
    per_rank = lab.run_distributed([("ddp_train", config)], 2)[0]
    check(len(per_rank) == 2, "one result per rank")

    w1, b1, w2, b2 = (state[k].clone().requires_grad_() for k in ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"))
    loss = F.cross_entropy(torch.tanh(x @ w1.T + b1) @ w2.T + b2, y)
    loss.backward()
    with torch.no_grad():
        expected = {"fc1.weight": w1 - 0.5 * w1.grad, "fc1.bias": b1 - 0.5 * b1.grad,
                    "fc2.weight": w2 - 0.5 * w2.grad, "fc2.bias": b2 - 0.5 * b2.grad}
    for rank, result in enumerate(per_rank):
        check(result["indices"] == [[0, 2, 4, 6]] if rank == 0 else result["indices"] == [[1, 3, 5, 7]],
              f"rank {rank}'s indices")
        for name, value in expected.items():
            assert_close(result["state"][name], value, atol=1e-5, rtol=1e-5, what=f"rank {rank}: {name} after one step")


def test_zero_ranks_agree_and_split_the_state(lab):
    """Two ZeRO-1 ranks end with the same weights, and each keeps AdamW state for its own slice only."""
    g = torch.Generator().manual_seed(1)
    state = lab.TinyMLP(2, 3, 2).state_dict()  # 6 + 3 + 6 + 2 = 17 parameters
    config = dict(state=state, x=torch.randn(6, 2, generator=g), y=torch.randint(2, (6,), generator=g),
                  batch_size=3, epochs=1)
    ranks = lab.run_distributed([("zero_train", config)], 2)[0]
    for name in state:
        assert_close(ranks[0]["state"][name], ranks[1]["state"][name], atol=0.0, rtol=0.0,
                     what=f"{name}: the two ranks should hold identical weights")
        check(not torch.equal(ranks[0]["state"][name], state[name]), f"{name} should have been updated")
    for rank, expected in ((0, (0, 9)), (1, (9, 17))):
        check(tuple(ranks[rank]["shard"]) == expected, f"rank {rank} should own {expected}")
        moments = ranks[rank]["optimizer_state"][0]["exp_avg"]
        size = expected[1] - expected[0]
        check(moments.numel() == size, f"rank {rank}'s exp_avg should hold its {size} entries only")
