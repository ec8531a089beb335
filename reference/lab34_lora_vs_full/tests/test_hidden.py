"""Hidden tests for lab 34 (LoRA against full fine-tuning, measured).

Oracles: parameter counts from the shapes of the ``nn.Linear`` layers of a
``LlamaForCausalLM`` built here, and ``peft``'s ``get_nb_trainable_parameters``;
optimizer-state bytes from the formula (2 moments x element size x trainable
parameters for AdamW, 1 buffer for SGD with momentum, none without) and from
the tensors of the optimizer's own ``state_dict``; memory from the formula
``parameters + gradients + optimizer state``; every training loss from a
twin model trained here with ``torch.optim`` (from the student's own initial
weights, or from the documented initialisation); the CSV text rebuilt here;
the PNG's signature and size. Times are only checked for structure (their
median, their count, their sum against the call's own wall time).
"""

from __future__ import annotations

import math
import statistics
import time

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from transformers import LlamaConfig, LlamaForCausalLM

from autograder.testing import assert_close, check

BASE = {
    "vocab_size": 32,
    "hidden_size": 16,
    "intermediate_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
}
# Grouped-query attention (k/v narrower than q), three layers, other sizes.
GQA = {
    "vocab_size": 20,
    "hidden_size": 24,
    "intermediate_size": 40,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
}
TIED = {"tie_word_embeddings": True, "hidden_size": 8, "intermediate_size": 12}
ALL = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "lm_head")
COLUMNS = ["method", "trainable", "optimizer_state_bytes", "peak_memory_bytes", "step_time_s", "final_loss"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LOSS = {"atol": 2e-5, "rtol": 2e-5}


# ---- the oracle side ---------------------------------------------------------------------------


class TwinLoRA(nn.Module):
    """The documented wrapper, rebuilt: base(x) + alpha / r * x A^T B^T."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float, g: torch.Generator | None):
        super().__init__()
        self.base = base
        self.scale = alpha / rank
        a = torch.randn(rank, base.in_features, generator=g) / math.sqrt(base.in_features)
        self.A = nn.Parameter(a.to(base.weight.dtype))
        self.B = nn.Parameter(torch.zeros(base.out_features, rank, dtype=base.weight.dtype))

    def forward(self, x):
        return self.base(x) + self.scale * (x @ self.A.T) @ self.B.T


def twin(cfg: dict | None = None, rank: int = 0, targets=("q_proj", "v_proj"), alpha=16.0, seed=0, init=True):
    """The model the docstrings describe, built in the runner (rank 0: no adapters)."""
    options = {**BASE, **(cfg or {})}
    dtype = getattr(torch, options.pop("dtype", "float32"))
    torch.manual_seed(seed)
    model = LlamaForCausalLM(LlamaConfig(**options)).to(dtype)
    if rank:
        model.requires_grad_(False)
        g = torch.Generator().manual_seed(seed)
        names = [n for n, m in model.named_modules() if isinstance(m, nn.Linear) and n.split(".")[-1] in targets]
        for name in names:
            parent, _, child = name.rpartition(".")
            owner = model.get_submodule(parent)
            setattr(owner, child, TwinLoRA(getattr(owner, child), rank, alpha, g if init else None))
    return model


def linear_shapes(cfg: dict | None, targets) -> list[tuple[int, int]]:
    model = twin(cfg)
    return [
        (m.in_features, m.out_features)
        for n, m in model.named_modules()
        if isinstance(m, nn.Linear) and n.split(".")[-1] in targets
    ]


def lora_count(cfg, rank, targets) -> int:
    return sum(rank * (i + o) for i, o in linear_shapes(cfg, targets))


def base_total(cfg=None) -> int:
    return sum(p.numel() for p in twin(cfg).parameters())


def lm_loss(model, x) -> torch.Tensor:
    logits = model(input_ids=x).logits
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1))


def task(vocab: int, n: int, seq_len: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    start = torch.randint(0, vocab, (n, 1), generator=g)
    stride = torch.randint(1, 4, (n, 1), generator=g)
    return (start + stride * torch.arange(seq_len)) % vocab


def oracle_optimizer(model, name, lr):
    params = [p for p in model.parameters() if p.requires_grad]
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    return torch.optim.SGD(params, lr=lr, momentum=0.9 if name == "sgd_momentum" else 0.0)


def oracle_train(model, x, steps, lr, name="adamw"):
    """(losses before each step, loss after the last) of the documented recipe."""
    opt = oracle_optimizer(model, name, lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = lm_loss(model, x)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with torch.no_grad():
        return losses, lm_loss(model, x).item()


def student_twin(model_handle, cfg=None, rank=0, targets=("q_proj", "v_proj"), alpha=16.0):
    """A runner-side copy of the student's model, with the student's current weights."""
    model = twin(cfg, rank, targets, alpha, init=False)
    model.load_state_dict(dict(model_handle.state_dict()))
    return model


def weights(model_handle) -> dict:
    return {k: v.clone() for k, v in dict(model_handle.state_dict()).items()}


# ---- counting ----------------------------------------------------------------------------------


COUNT_CASES = {
    "base-qv-r4": (None, 4, ("q_proj", "v_proj")),
    "base-all-r1": (BASE, 1, ALL),
    "gqa-kv-r3": (GQA, 3, ("k_proj", "v_proj")),
    "gqa-mlp-head-r8": (GQA, 8, ("gate_proj", "down_proj", "lm_head")),
    "gqa-attn-r2": (GQA, 2, ("q_proj", "o_proj", "up_proj")),
}


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(COUNT_CASES))
def test_apply_lora_counts(lab, case):
    """After apply_lora the trainable parameters are r*(in+out) per adapted linear and the total grows by as much."""
    cfg, rank, targets = COUNT_CASES[case]
    model = lab.build_model(cfg, seed=1)
    before = lab.count_parameters(model)
    check(isinstance(before, dict) and set(before) == {"trainable", "total"}, "count_parameters should return a dict with keys 'trainable' and 'total'")
    check(before["trainable"] == before["total"] == base_total(cfg), "count_parameters of a fresh model: every parameter is trainable and counted")
    lab.apply_lora(model, rank, targets=targets, seed=2)
    after = lab.count_parameters(model)
    expected = lora_count(cfg, rank, targets)
    check(isinstance(after["trainable"], int) and isinstance(after["total"], int), "the counts should be Python ints")
    check(after["trainable"] == expected, f"{case}: the trainable parameters after apply_lora are not r*(in+out) summed over the adapted linears")
    check(after["total"] == base_total(cfg) + expected, f"{case}: the total after apply_lora should be the base model's plus the adapters'")


@pytest.mark.points(3)
def test_counts_match_peft(lab):
    """Trainable and total counts equal peft's get_nb_trainable_parameters for the same LoRA config."""
    from peft import LoraConfig, get_peft_model

    for cfg, rank, targets in ((None, 8, ["q_proj", "v_proj"]), (GQA, 5, ["k_proj", "o_proj", "up_proj", "lm_head"])):
        peft_model = get_peft_model(twin(cfg), LoraConfig(r=rank, lora_alpha=16, lora_dropout=0.0, target_modules=targets))
        trainable, total = peft_model.get_nb_trainable_parameters()
        model = lab.apply_lora(lab.build_model(cfg), rank, targets=tuple(targets))
        got = lab.count_parameters(model)
        check(got["trainable"] == trainable, f"rank {rank}, targets {targets}: trainable parameters differ from peft's count")
        check(got["total"] == total, f"rank {rank}, targets {targets}: the total differs from peft's count")


@pytest.mark.points(2)
def test_count_parameters_tied_and_frozen(lab):
    """A tied embedding counts once; a parameter frozen by hand leaves 'total' and drops out of 'trainable'."""
    model = lab.build_model(TIED)
    total = base_total(TIED)
    check(total == base_total({k: v for k, v in TIED.items() if k != "tie_word_embeddings"}) - 32 * 8, "(test self-check)")
    got = lab.count_parameters(model)
    check(got == {"trainable": total, "total": total}, "with tie_word_embeddings the shared embedding / lm_head weight should count once")
    model.model.norm.requires_grad_(False)
    model.lm_head.requires_grad_(False)  # the tied weight: the embedding too
    got = lab.count_parameters(model)
    check(got["total"] == total, "freezing parameters should not change 'total'")
    check(got["trainable"] == total - 8 - 32 * 8, "frozen parameters should not count in 'trainable'")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(COUNT_CASES))
def test_lora_parameter_count_formula(lab, case):
    """lora_parameter_count gives r*(in+out) summed over the adapted linears, from the config alone."""
    cfg, rank, targets = COUNT_CASES[case]
    for r in (rank, 1, 16):
        got = lab.lora_parameter_count(cfg, r, targets)
        check(got == lora_count(cfg, r, targets), f"{case}: wrong count for rank {r}, targets {targets}")
        check(isinstance(got, int), "lora_parameter_count should return an int")


@pytest.mark.points(2)
def test_lora_parameter_count_defaults_and_errors(lab):
    """Default targets (q_proj, v_proj), config None or partial, one target at a time; rank < 1 and unknown targets raise ValueError."""
    check(lab.lora_parameter_count(None, 4) == lora_count(None, 4, ("q_proj", "v_proj")), "the default targets should be ('q_proj', 'v_proj')")
    check(lab.lora_parameter_count({}, 2, ("lm_head",)) == lora_count(None, 2, ("lm_head",)), "config {} should use DEFAULT_CONFIG")
    partial = {"num_hidden_layers": 5, "num_key_value_heads": 1}
    for target in ALL:
        built = "".join(list(target))  # equal in value, another object
        check(
            lab.lora_parameter_count(partial, 3, targets=(built,)) == lora_count(partial, 3, (target,)),
            f"wrong count for the single target {target} (config {partial})",
        )
    check(lab.lora_parameter_count(GQA, 2, ()) == 0, "no targets: no adapter parameters")
    for rank, targets in ((0, ("q_proj",)), (-1, ("q_proj",)), (4, ("q_proj", "qkv")), (4, ("Q_PROJ",))):
        with pytest.raises(ValueError):
            lab.lora_parameter_count(GQA, rank, targets)
            pytest.fail(f"no ValueError for rank={rank}, targets={targets}")


# ---- apply_lora --------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_apply_lora_weights_and_init(lab):
    """apply_lora keeps the base weights, adds A (seeded randn / sqrt(in)) and B = 0 per target, in place; the output is unchanged."""
    cfg, targets = GQA, ("k_proj", "down_proj")
    model = lab.build_model(cfg, seed=3)
    x = task(20, 3, 7, seed=1)
    before = weights(model)
    logits = model(input_ids=x).logits.clone()
    returned = lab.apply_lora(model, 3, alpha=4.0, targets=targets, seed=5)
    after = weights(model)  # the handle passed in: apply_lora works in place
    check(dict(returned.state_dict()).keys() == after.keys(), "apply_lora should return the model it changed")
    g = torch.Generator().manual_seed(5)
    adapted = [n for n in before if n.split(".")[-2] in targets]
    check(len(adapted) == 2 * 3, "(test self-check)")
    for name in adapted:
        stem = name[: -len(".weight")]
        w = before[name]
        check(f"{stem}.base.weight" in after, f"{stem} should be a LoRALinear whose base is the original linear")
        assert_close(after[f"{stem}.base.weight"], w, atol=0, rtol=0, what=f"the base weight of {stem}")
        a = torch.randn(3, w.shape[1], generator=g) / math.sqrt(w.shape[1])
        assert_close(after[f"{stem}.A"], a, atol=1e-7, rtol=1e-6, what=f"A of {stem} (drawn from one generator seeded with seed, in named_modules order)")
        assert_close(after[f"{stem}.B"], torch.zeros(w.shape[0], 3), atol=0, rtol=0, what=f"B of {stem} (zeros)")
    for name, w in before.items():
        if name not in adapted:
            assert_close(after[name], w, atol=0, rtol=0, what=f"the untouched parameter {name}")
    check(len(after) == len(before) + len(adapted) * 2, "apply_lora should add exactly A and B per adapted linear")
    assert_close(model(input_ids=x).logits, logits, atol=1e-6, rtol=1e-6, what="the logits right after apply_lora (B = 0)")
    check(lab.get("apply_lora.__kwdefaults__") == {"alpha": 16.0, "targets": ("q_proj", "v_proj"), "seed": 0}, "apply_lora's defaults should be alpha=16.0, targets=('q_proj', 'v_proj'), seed=0")
    provided = {
        "build_model.__kwdefaults__": {"seed": 0},
        "make_task.__kwdefaults__": {"seed": 0},
        "LoRALinear.__init__.__defaults__": (16.0,),
        "LoRALinear.__init__.__kwdefaults__": {"generator": None},
    }
    for name, value in provided.items():
        check(lab.get(name) == value, f"{name.split('.')[0]} is provided code: keep its signature and defaults")


@pytest.mark.points(2)
def test_apply_lora_errors(lab):
    """rank < 1 or targets matching nothing raise ValueError and leave the model unchanged; a valid call then works."""
    model = lab.build_model(None)
    total = base_total(None)
    for rank, targets in ((0, ("q_proj",)), (-2, ("q_proj",)), (2, ("qkv",)), (2, ())):
        with pytest.raises(ValueError):
            lab.apply_lora(model, rank, targets=targets)
            pytest.fail(f"no ValueError for rank={rank}, targets={targets}")
        check(lab.count_parameters(model) == {"trainable": total, "total": total}, f"a failed apply_lora (rank={rank}, targets={targets}) changed the model")
    for rank in (0, -1):
        with pytest.raises(ValueError):
            lab.LoRALinear(model.lm_head, rank)
            pytest.fail(f"no ValueError from LoRALinear for rank={rank}")
    lab.apply_lora(model, 1, targets=("qkv", "o_proj"))
    check(lab.count_parameters(model)["trainable"] == lora_count(None, 1, ("o_proj",)), "targets may name modules that do not exist, as long as one matches")


# ---- optimizers and their state ----------------------------------------------------------------


@pytest.mark.points(3)
def test_make_optimizer_kinds(lab):
    """make_optimizer: AdamW (weight_decay 0), SGD, SGD with momentum 0.9, over the trainable parameters only, in order."""
    model = lab.apply_lora(lab.build_model(GQA), 2, targets=("q_proj", "up_proj"))
    shapes = [tuple(p.shape) for _, p in twin(GQA, 2, ("q_proj", "up_proj")).named_parameters() if p.requires_grad]
    for name, lr in (("adamw", 0.003), ("sgd", 0.5), ("sgd_momentum", 0.25)):
        opt = lab.make_optimizer(model, "".join(list(name)), lr)  # a name equal in value, built at run time
        groups = opt.param_groups
        check(len(groups) == 1, f"{name}: one parameter group expected")
        group = groups[0]
        check([tuple(p.shape) for p in group["params"]] == shapes, f"{name}: the optimizer should hold exactly the trainable parameters, in model.parameters() order")
        check(group["lr"] == lr, f"{name}: wrong learning rate")
        if name == "adamw":
            check("betas" in group and group["weight_decay"] == 0.0, "adamw: torch.optim.AdamW with weight_decay=0.0")
        else:
            check("dampening" in group and "betas" not in group, f"{name}: torch.optim.SGD expected")
            check(group["momentum"] == (0.9 if name == "sgd_momentum" else 0), f"{name}: wrong momentum")
            check(group["weight_decay"] == 0, f"{name}: no weight decay")
    full = lab.make_optimizer(lab.build_model(GQA))
    check(len(full.param_groups[0]["params"]) == len(list(twin(GQA).parameters())), "a full model: every parameter goes to the optimizer")
    check(full.param_groups[0]["lr"] == 1e-3 and "betas" in full.param_groups[0], "the defaults should be name='adamw', lr=1e-3")


@pytest.mark.points(1)
def test_make_optimizer_errors(lab):
    """An unknown optimizer name, or a model with nothing trainable, raises ValueError."""
    model = lab.build_model(None)
    lab.make_optimizer(model, "sgd", 0.1)
    for name in ("adam", "SGD", "momentum", "sgd_nesterov", "adamw2", "", "zero"):
        with pytest.raises(ValueError):
            lab.make_optimizer(model, name, 0.1)
            pytest.fail(f"no ValueError for the optimizer name {name!r}")
    model.requires_grad_(False)
    with pytest.raises(ValueError):
        lab.make_optimizer(model, "adamw", 0.1)
        pytest.fail("no ValueError for a model with no trainable parameter")


def state_tensor_bytes(opt_handle, *, with_step: bool = False) -> int:
    """Bytes of the optimizer's state, summed here from its own state_dict."""
    total = 0
    for state in opt_handle.state_dict()["state"].values():
        for key, value in state.items():
            if torch.is_tensor(value) and (with_step or key != "step"):
                total += value.numel() * value.element_size()
    return total


OPT_CASES = {
    "adamw-full": (None, 0, "adamw", 8),
    "adamw-lora": (GQA, 4, "adamw", 8),
    "sgd-momentum-full": (GQA, 0, "sgd_momentum", 4),
    "sgd-momentum-lora": (None, 2, "sgd_momentum", 4),
    "sgd-lora": (None, 8, "sgd", 0),
    "adamw-bf16-lora": ({**GQA, "dtype": "bfloat16"}, 2, "adamw", 4),
    "adamw-bf16-full": ({"dtype": "bfloat16"}, 0, "adamw", 4),
    "sgd-momentum-fp16-lora": ({"dtype": "float16"}, 3, "sgd_momentum", 2),
}


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(OPT_CASES))
def test_optimizer_state_bytes(lab, case):
    """optimizer_state_bytes is 0 before a step and bytes-per-trainable x trainable after it, as summed from the state's tensors."""
    cfg, rank, name, per_param = OPT_CASES[case]
    model = lab.build_model(cfg, seed=4)
    if rank:
        lab.apply_lora(model, rank, targets=("v_proj", "gate_proj"), seed=4)
    opt = lab.make_optimizer(model, name, 1e-3)
    check(lab.optimizer_state_bytes(opt) == 0, f"{case}: before any step the optimizer holds no state")
    vocab = (cfg or {}).get("vocab_size", 32)
    lab.train_step(model, opt, task(vocab, 2, 6))
    trainable = base_total(cfg) if not rank else lora_count(cfg, rank, ("v_proj", "gate_proj"))
    got = lab.optimizer_state_bytes(opt)
    check(isinstance(got, int), "optimizer_state_bytes should return an int")
    check(got == state_tensor_bytes(opt), f"{case}: not the bytes of the optimizer's state tensors (AdamW's 'step' left out)")
    check(got == per_param * trainable, f"{case}: the state should hold {per_param} bytes per trainable parameter")
    lab.train_step(model, opt, task(vocab, 2, 6, seed=1))
    check(lab.optimizer_state_bytes(opt) == got, f"{case}: the state does not grow with more steps")


# ---- one step, the footprint -------------------------------------------------------------------


@pytest.mark.points(4)
@pytest.mark.parametrize("rank", [0, 2])
def test_train_step_is_one_optimizer_step(lab, rank):
    """train_step returns the next-token loss before the step and applies exactly one AdamW / SGD step."""
    cfg = GQA
    x = task(20, 4, 9, seed=2)
    for name, lr in (("adamw", 0.05), ("sgd_momentum", 0.5)):
        model = lab.build_model(cfg, seed=6)
        if rank:
            lab.apply_lora(model, rank, alpha=5.0, targets=("q_proj", "v_proj", "down_proj"), seed=7)
            lab.train_step(model, lab.make_optimizer(model, "sgd", 1.0), x)  # B no longer zero
        mirror = student_twin(model, cfg, rank, ("q_proj", "v_proj", "down_proj"), alpha=5.0)
        opt = lab.make_optimizer(model, name, lr)
        losses, _ = oracle_train(mirror, x, 2, lr, name)
        got = [lab.train_step(model, opt, x), lab.train_step(model, opt, x)]
        check(all(isinstance(v, float) for v in got), "train_step should return a Python float")
        assert_close(got, losses, **LOSS, what=f"the losses of two {name} steps (rank {rank})")
        after = weights(model)
        for key, value in mirror.state_dict().items():
            assert_close(after[key], value, atol=2e-5, rtol=1e-4, what=f"{key} after two {name} steps (rank {rank})")


@pytest.mark.points(3)
def test_memory_footprint(lab):
    """memory_footprint: parameters, gradients (after a step, none before), optimizer state and their total, in bytes."""
    for cfg, rank, name in ((None, 0, "adamw"), (GQA, 4, "adamw"), (TIED, 2, "sgd_momentum"), ({"dtype": "bfloat16"}, 1, "adamw")):
        size = 2 if cfg and cfg.get("dtype") == "bfloat16" else 4
        total = base_total(cfg)
        model = lab.build_model(cfg)
        trainable = total
        if rank:
            lab.apply_lora(model, rank, targets=("o_proj", "lm_head"))
            trainable = lora_count(cfg, rank, ("o_proj", "lm_head"))
            total += trainable
        opt = lab.make_optimizer(model, name, 1e-3)
        got = lab.memory_footprint(model, opt)
        check(set(got) == {"parameters", "gradients", "optimizer_state", "total"}, "memory_footprint should return the keys 'parameters', 'gradients', 'optimizer_state', 'total'")
        check(got == {"parameters": size * total, "gradients": 0, "optimizer_state": 0, "total": size * total}, f"before any step (config {cfg}, rank {rank}): parameters only")
        lab.train_step(model, opt, task((cfg or {}).get("vocab_size", 32), 2, 5))
        got = lab.memory_footprint(model, opt)
        moments = 2 if name == "adamw" else 1
        expected = {"parameters": size * total, "gradients": size * trainable, "optimizer_state": moments * size * trainable}
        expected["total"] = sum(expected.values())
        check(all(isinstance(v, int) for v in got.values()), "every value should be an int")
        check(got == expected, f"after a step (config {cfg}, rank {rank}, {name}): wrong bytes")


# ---- train -------------------------------------------------------------------------------------


def check_train_result(result, steps, warmup):
    keys = {"losses", "step_times_s", "step_time_s", "final_loss", "trainable", "optimizer_state_bytes", "peak_memory_bytes"}
    check(isinstance(result, dict) and set(result) == keys, f"train should return a dict with the keys {sorted(keys)}")
    times = result["step_times_s"]
    check(isinstance(times, list) and len(times) == steps, "step_times_s: one time per step")
    check(all(isinstance(t, float) and t > 0 for t in times), "step_times_s: positive floats")
    check(isinstance(result["step_time_s"], float), "step_time_s should be a float")
    check(result["step_time_s"] == statistics.median(times[warmup:]), "step_time_s should be the median of the step times after the warm-up steps")
    check(isinstance(result["losses"], list) and len(result["losses"]) == steps, "losses: one loss per step")
    check(all(isinstance(v, float) for v in result["losses"]), "losses should be Python floats")
    check(isinstance(result["final_loss"], float), "final_loss should be a float")
    for key in ("trainable", "optimizer_state_bytes", "peak_memory_bytes"):
        check(isinstance(result[key], int), f"{key} should be an int")


@pytest.mark.points(5)
@pytest.mark.parametrize("rank", [0, 4])
def test_train_matches_recipe(lab, rank):
    """train's losses and final loss equal the recipe's (fresh AdamW, full batch); the counts and the CPU peak follow the formulas."""
    cfg, targets = GQA, ("q_proj", "v_proj", "lm_head")
    x = task(20, 6, 10, seed=3)
    model = lab.build_model(cfg, seed=8)
    if rank:
        lab.apply_lora(model, rank, alpha=6.0, targets=targets, seed=1)
    mirror = student_twin(model, cfg, rank, targets, alpha=6.0)
    start = time.perf_counter()
    result = lab.train(model, x, steps=5, lr=0.02)
    elapsed = time.perf_counter() - start
    check_train_result(result, 5, 1)
    check(sum(result["step_times_s"]) <= elapsed, "the step times add up to more than the whole call took")
    losses, final = oracle_train(mirror, x, 5, 0.02)
    assert_close(result["losses"], losses, **LOSS, what="the loss of every step")
    assert_close(result["final_loss"], final, **LOSS, what="final_loss (the loss after the last step)")
    check(final < losses[0], "(test self-check)")
    trainable = lora_count(cfg, rank, targets) if rank else base_total(cfg)
    total = base_total(cfg) + (trainable if rank else 0)
    check(result["trainable"] == trainable, "trainable: the trainable parameters of the model")
    check(result["optimizer_state_bytes"] == 8 * trainable, "optimizer_state_bytes: AdamW's two float32 moments per trainable parameter")
    check(result["peak_memory_bytes"] == 4 * total + 4 * trainable + 8 * trainable, "peak_memory_bytes on the CPU: parameters + gradients + optimizer state after the last step")
    after = weights(model)
    for key, value in mirror.state_dict().items():
        assert_close(after[key], value, atol=2e-5, rtol=1e-4, what=f"{key} after training (rank {rank})")


@pytest.mark.points(3)
def test_train_lora_freezes_base(lab):
    """A LoRA run starts from the base model's loss exactly (B = 0), changes only A and B, and its loss falls."""
    x = task(32, 8, 16, seed=0)
    base = lab.build_model(None, seed=2)
    base_loss = lm_loss(student_twin(base), x).item()
    model = lab.apply_lora(lab.build_model(None, seed=2), 2, targets=("q_proj", "k_proj", "v_proj", "o_proj"), seed=3)
    before = weights(model)
    result = lab.train(model, x, steps=4, lr=0.05)
    assert_close(result["losses"][0], base_loss, atol=1e-6, rtol=1e-6, what="the first loss of a LoRA run (the base model's loss)")
    check(result["final_loss"] < result["losses"][0], "the loss of the LoRA run did not fall")
    after = weights(model)
    for key, value in before.items():
        if key.endswith(".A") or key.endswith(".B"):
            check(not torch.equal(after[key], value), f"{key} did not change during training")
        else:
            check(torch.equal(after[key], value), f"{key} is a base weight and must stay frozen in a LoRA run")


@pytest.mark.points(3)
def test_train_options_and_warmup(lab):
    """warmup=0 / 3, SGD with momentum, lr=0 (nothing changes) and steps=warmup+1 follow the docstring."""
    x = task(32, 4, 8, seed=4)
    model = lab.build_model(None, seed=5)
    mirror = student_twin(model)
    result = lab.train(model, x, steps=6, lr=0.3, optimizer="sgd_momentum", warmup=3)
    check_train_result(result, 6, 3)
    losses, final = oracle_train(mirror, x, 6, 0.3, "sgd_momentum")
    assert_close(result["losses"], losses, **LOSS, what="the losses with optimizer='sgd_momentum'")
    assert_close(result["final_loss"], final, **LOSS, what="final_loss with optimizer='sgd_momentum'")
    total = base_total(None)
    check(result["optimizer_state_bytes"] == 4 * total, "optimizer_state_bytes of SGD with momentum: one float32 buffer per parameter")
    check(result["peak_memory_bytes"] == 12 * total, "peak_memory_bytes with SGD + momentum: parameters + gradients + one buffer")
    result = lab.train(model, x, steps=3, lr=0.0, optimizer="sgd", warmup=0)
    check_train_result(result, 3, 0)
    check(len(set(result["losses"] + [result["final_loss"]])) == 1, "with lr=0 every loss should be the same")
    assert_close(result["final_loss"], final, **LOSS, what="the first loss of a second call (it continues from the trained weights)")
    check(result["optimizer_state_bytes"] == 0 and result["peak_memory_bytes"] == 8 * total, "SGD without momentum keeps no state")
    result = lab.train(model, x, steps=2, lr=0.01, warmup=1)
    check_train_result(result, 2, 1)
    check(result["step_time_s"] == result["step_times_s"][1], "with steps=2 and warmup=1 step_time_s is the second step's time")


@pytest.mark.points(2)
def test_train_errors_and_defaults(lab):
    """steps <= warmup and warmup < 0 raise ValueError; the defaults are optimizer='adamw', warmup=1."""
    x = task(32, 2, 5)
    model = lab.build_model(None)
    before = weights(model)
    for steps, warmup in ((1, 1), (3, 3), (0, 0), (2, 3), (3, -1)):
        with pytest.raises(ValueError):
            lab.train(model, x, steps=steps, lr=0.1, warmup=warmup)
            pytest.fail(f"no ValueError for steps={steps}, warmup={warmup}")
        after = weights(model)
        check(all(torch.equal(after[k], v) for k, v in before.items()), f"steps={steps}, warmup={warmup}: train should raise before training anything")
    mirror = student_twin(model)
    result = lab.train(model, x, steps=3, lr=0.01)
    check_train_result(result, 3, 1)
    losses, _ = oracle_train(mirror, x, 3, 0.01, "adamw")
    assert_close(result["losses"], losses, **LOSS, what="the losses with the default optimizer")
    check(lab.get("train.__kwdefaults__") == {"optimizer": "adamw", "warmup": 1}, "the defaults should be optimizer='adamw', warmup=1")


# ---- compare -----------------------------------------------------------------------------------


def oracle_row(cfg, rank, targets, alpha, steps, lr, name, seed):
    vocab = {**BASE, **(cfg or {})}["vocab_size"]
    x = task(vocab, 8, 16, seed)
    model = twin(cfg, rank, targets, alpha, seed)
    losses, final = oracle_train(model, x, steps, lr, name)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    moments = {"adamw": 2, "sgd_momentum": 1, "sgd": 0}[name]
    return {
        "method": f"lora-r{rank}" if rank else "full",
        "trainable": trainable,
        "optimizer_state_bytes": 4 * moments * trainable,
        "peak_memory_bytes": 4 * total + 4 * trainable + 4 * moments * trainable,
        "final_loss": final,
        "first_loss": losses[0],
    }


def check_rows(rows, expected, what):
    check(isinstance(rows, list) and len(rows) == len(expected), f"{what}: one row for full fine-tuning and one per rank")
    check([r.get("method") for r in rows] == [e["method"] for e in expected], f"{what}: the rows' methods or their order are wrong")
    for row, exp in zip(rows, expected):
        m = exp["method"]
        check(list(row) == COLUMNS, f"{what}, {m}: the row's keys should be TABLE_COLUMNS, in that order")
        for key in ("trainable", "optimizer_state_bytes", "peak_memory_bytes"):
            check(row[key] == exp[key], f"{what}, {m}: wrong {key}")
        check(isinstance(row["step_time_s"], float) and 0 < row["step_time_s"] < 10, f"{what}, {m}: step_time_s should be a positive float (seconds)")
        assert_close(row["final_loss"], exp["final_loss"], atol=5e-5, rtol=5e-5, what=f"{what}, {m}: final_loss")


@pytest.mark.points(6)
def test_compare_rows(lab):
    """compare: full then each rank in the given order, counts, state bytes, peak and final loss of each run."""
    targets = ("q_proj", "v_proj")
    rows = lab.compare(None, (4, 1), steps=4, lr=0.03)
    expected = [oracle_row(None, r, targets, 16.0, 4, 0.03, "adamw", 0) for r in (0, 4, 1)]
    check_rows(rows, expected, "compare(None, (4, 1), steps=4, lr=0.03)")
    for row, exp in zip(rows, expected):
        check(row["final_loss"] < exp["first_loss"], f"{row['method']}: the loss did not fall")


@pytest.mark.points(4)
def test_compare_options(lab):
    """compare with a config, targets, alpha, optimizer, seed: every option reaches each run."""
    targets = ("k_proj", "up_proj")
    kwargs = dict(targets=targets, alpha=3.0, steps=3, lr=0.2, optimizer="sgd_momentum", seed=4)
    rows = lab.compare(GQA, (2, 5, 1), **kwargs)
    expected = [oracle_row(GQA, r, targets, 3.0, 3, 0.2, "sgd_momentum", 4) for r in (0, 2, 5, 1)]
    check_rows(rows, expected, "compare(GQA, (2, 5, 1), ...)")
    rows = lab.compare(ranks=(), steps=2, optimizer="sgd", lr=0.1)
    check_rows(rows, [oracle_row(None, 0, targets, 1.0, 2, 0.1, "sgd", 0)], "compare(ranks=())")


@pytest.mark.points(2)
def test_compare_runs_are_independent(lab):
    """Each run starts afresh: the LoRA rows equal a compare with that rank alone (no peak or state carried over)."""
    both = lab.compare(None, (8, 2), steps=2, lr=0.01)
    alone = lab.compare(None, (2,), steps=2, lr=0.01)
    for key in ("trainable", "optimizer_state_bytes", "peak_memory_bytes"):
        check(both[2][key] == alone[1][key], f"lora-r2's {key} depends on the runs before it")
        check(both[0][key] == alone[0][key], f"full's {key} depends on the earlier call")
    assert_close(both[2]["final_loss"], alone[1]["final_loss"], atol=1e-6, rtol=1e-6, what="lora-r2's final loss with and without a run before it")
    check(both[1]["peak_memory_bytes"] < both[0]["peak_memory_bytes"], "a LoRA run should need less memory than full fine-tuning")


@pytest.mark.points(2)
def test_compare_defaults_and_errors(lab):
    """compare's defaults (ranks 1, 2, 4, 8; q_proj and v_proj; alpha 16; 8 steps; lr 1e-2; adamw; seed 0); a rank below 1 raises ValueError."""
    check(lab.get("compare.__defaults__") == (None, (1, 2, 4, 8)), "the defaults of config and ranks should be None and (1, 2, 4, 8)")
    defaults = {"targets": ("q_proj", "v_proj"), "alpha": 16.0, "steps": 8, "lr": 1e-2, "optimizer": "adamw", "seed": 0, "device": "cpu"}
    check(lab.get("compare.__kwdefaults__") == defaults, "the keyword defaults of compare differ from the docstring's")
    rows = lab.compare(ranks=(8,))
    check_rows(rows, [oracle_row(None, r, ("q_proj", "v_proj"), 16.0, 8, 1e-2, "adamw", 0) for r in (0, 8)], "compare(ranks=(8,))")
    for ranks in ((0,), (2, -1)):
        start = time.perf_counter()
        with pytest.raises(ValueError):
            lab.compare(None, ranks, steps=50)
            pytest.fail(f"no ValueError for ranks={ranks}")
        check(time.perf_counter() - start < 1.0, "compare should raise before training anything")


# ---- the table and the plot --------------------------------------------------------------------


ROWS = [
    {"method": "full", "trainable": 6224, "optimizer_state_bytes": 49792, "peak_memory_bytes": 99584, "step_time_s": 0.0123456789012, "final_loss": 2.5, "extra": "x"},
    {"method": "lora-r16", "trainable": 1024, "optimizer_state_bytes": 8192, "peak_memory_bytes": 41280, "step_time_s": 3.25e-05, "final_loss": 3.3942344188690186},
    {"final_loss": 1e-07, "step_time_s": 2.0, "method": "lora-r2", "trainable": 256, "optimizer_state_bytes": 2048, "peak_memory_bytes": 28992},
]


def expected_csv(rows) -> str:
    lines = [",".join(COLUMNS)] + [",".join(str(row[c]) for c in COLUMNS) for row in rows]
    return "".join(line + "\n" for line in lines)


def in_folder(lab, folder, fn: str, *args):
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        out = getattr(lab, fn)(*args)
        return out, lab.get_file(args[-1])


@pytest.mark.points(4)
def test_write_table_csv(lab, tmp_path):
    """write_table writes the header and one line per row, in the columns' order, values as str(), '\\n' endings."""
    out, data = in_folder(lab, tmp_path, "write_table", ROWS, "table.csv")
    check(out is None, "write_table should return None")
    text = data.decode()
    check(text.splitlines()[0] == ",".join(COLUMNS), "the header line should be TABLE_COLUMNS joined by commas")
    check("\r" not in text and text.endswith("\n"), "use '\\n' line endings and end with a newline")
    check(text == expected_csv(ROWS), "the rows' lines differ (order of rows or columns, or values not written as str(value))")
    _, data = in_folder(lab, tmp_path, "write_table", ROWS[2:0:-1], "table.csv")
    check(data.decode() == expected_csv(ROWS[2:0:-1]), "writing again should overwrite the file, rows in the order given")
    _, data = in_folder(lab, tmp_path, "write_table", [], "empty.csv")
    check(data.decode() == ",".join(COLUMNS) + "\n", "no rows: the header alone")
    with pytest.MonkeyPatch.context() as mp, pytest.raises(KeyError):
        mp.chdir(tmp_path)
        lab.write_table([{k: v for k, v in ROWS[0].items() if k != "final_loss"}], "bad.csv")
        pytest.fail("no KeyError for a row without 'final_loss'")


@pytest.mark.points(2)
def test_write_table_of_compare(lab, tmp_path):
    """The table of a real comparison parses back to the rows (ints exact, floats round-tripped)."""
    import csv
    import io

    rows = lab.compare(None, (2,), steps=2)
    _, data = in_folder(lab, tmp_path, "write_table", rows, "cmp.csv")
    parsed = list(csv.DictReader(io.StringIO(data.decode())))
    check(len(parsed) == 2 and list(parsed[0]) == COLUMNS, "the table should have TABLE_COLUMNS and one line per row")
    for row, back in zip(rows, parsed):
        check(back["method"] == row["method"], "the methods should be written as they are")
        for key in ("trainable", "optimizer_state_bytes", "peak_memory_bytes"):
            check(int(back[key]) == row[key], f"{key} should be written as an int")
        for key in ("step_time_s", "final_loss"):
            check(float(back[key]) == row[key], f"{key} should be written in full (str(float)), not rounded")


def png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.mark.points(3)
def test_plot_writes_png(lab, tmp_path):
    """plot writes a 1200 x 350 PNG at exactly the path given (whatever its extension), coloured bars in all four panels."""
    import io

    from matplotlib import image

    for name, rows in (("chart.png", ROWS[::-1]), ("chart.img", ROWS[:1])):
        out, png = in_folder(lab, tmp_path, "plot", rows, name)
        check(out is None, "plot should return None")
        check(isinstance(png, bytes) and png.startswith(PNG_MAGIC), f"{name}: the file written is not a PNG image (wrong signature)")
        check(png_size(png) == (1200, 350), f"{name}: the image should be 1200 x 350 pixels (figsize (12, 3.5) at 100 dpi)")
        rgb = image.imread(io.BytesIO(png), format="png")[..., :3]
        coloured = (rgb.max(axis=-1) - rgb.min(axis=-1)) > 0.3
        for panel in range(4):
            check(int(coloured[:, panel * 300 : (panel + 1) * 300].sum()) > 1000, f"{name}: panel {panel + 1} of 4 shows no coloured bars")
    with pytest.MonkeyPatch.context() as mp, pytest.raises(ValueError):
        mp.chdir(tmp_path)
        lab.plot([], "never.png")
        pytest.fail("no ValueError for empty rows")
