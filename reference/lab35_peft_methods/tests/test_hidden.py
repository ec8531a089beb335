"""Hidden tests for lab 35 (bottleneck adapters, prefix tuning, prompt tuning).

Oracles:

* prompt tuning: peft's ``PromptTuningConfig(task_type="CAUSAL_LM")`` on a
  copy of the same base model with the same prompt weights (logits of the
  real positions, loss, parameter counts, a short AdamW run); the text
  initialisation against peft's ``PromptTuningInit.TEXT`` with a word-level
  tokenizer written here;
* prefix tuning: peft's ``PrefixTuningConfig`` (no projection) with the
  student's per-layer keys/values laid out as peft's prefix embedding, and
  an attention written out here over ``[prefix; tokens]``;
* adapters: the formula, and ``GPT2LMHeadModel`` with forward hooks that
  apply the adapter to the outputs of ``attn.c_proj`` and ``mlp.c_proj``;
* training: the stated AdamW procedure re-run here; frozen parameters must
  be bit-identical.

Every config is tiny (2-3 layers, width 24-32, vocabulary 60).
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

from autograder.testing import assert_close, check

torch.set_num_threads(1)

VOCAB = 60
CONFIG = dict(vocab_size=VOCAB, n_positions=32, n_embd=32, n_layer=2, n_head=4, resid_pdrop=0.0,
              embd_pdrop=0.0, attn_pdrop=0.0, bos_token_id=VOCAB - 1, eos_token_id=VOCAB - 1)
DEEP = dict(CONFIG, n_embd=24, n_layer=3, n_head=2)
TOL = dict(atol=2e-5, rtol=2e-5)
ACT = {"relu": F.relu, "gelu": F.gelu, "tanh": torch.tanh}


# ---- helpers -------------------------------------------------------------------------------------------------


def random_state(config: dict, seed: int) -> dict:
    """A GPT2LMHeadModel state dict with random weights of size 0.2 (LayerNorm weights around 1)."""
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(GPT2Config(**config))
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if ".ln_" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + 0.2 * noise)
            else:
                p.copy_(0.2 * noise)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def oracle_model(config: dict, state: dict) -> GPT2LMHeadModel:
    model = GPT2LMHeadModel(GPT2Config(**config))
    model.load_state_dict(state)
    return model.eval()


def batch(seed: int, rows: int = 3, seq: int = 7, left: bool = False):
    """(ids, mask, labels): random ids, some rows padded (right, or left), labels -100 on padding."""
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, VOCAB, (rows, seq), generator=g)
    mask = torch.ones(rows, seq, dtype=torch.long)
    for r in range(1, rows):
        pad = min(r * 2, seq - 2)
        if left:
            mask[r, :pad] = 0
        else:
            mask[r, seq - pad:] = 0
    labels = ids.masked_fill(mask == 0, -100)
    return ids, mask, labels


def randomize(state: dict, keys, seed: int, scale: float = 0.3) -> dict:
    g = torch.Generator().manual_seed(seed)
    out = dict(state)
    for k in keys:
        out[k] = scale * torch.randn(state[k].shape, generator=g)
    return out


def adapter_keys(n_layer: int) -> list[str]:
    return [f"adapters.{j}.{lin}.{p}" for j in range(2 * n_layer) for lin in ("down", "up") for p in ("weight", "bias")]


def hooked_oracle(config: dict, state: dict, adapters: dict, activation: str = "relu"):
    """GPT2LMHeadModel whose attn.c_proj / mlp.c_proj outputs pass through x + up(f(down(x)))."""
    model = oracle_model(config, state)
    f = ACT[activation]

    def make(j):
        def hook(module, inputs, out):
            a = lambda name: adapters[f"adapters.{j}.{name}"]  # noqa: E731
            return out + F.linear(f(F.linear(out, a("down.weight"), a("down.bias"))), a("up.weight"), a("up.bias"))
        return hook

    for i, block in enumerate(model.transformer.h):
        block.attn.c_proj.register_forward_hook(make(2 * i))
        block.mlp.c_proj.register_forward_hook(make(2 * i + 1))
    return model


def student_adapter_model(lab, config, state, bottleneck, seed, activation=None):
    base = lab.build_base_model(config, state)
    model = lab.AdapterModel(base, bottleneck) if activation is None else lab.AdapterModel(base, bottleneck, activation)
    sd = model.state_dict()
    sd = randomize(sd, adapter_keys(config["n_layer"]), seed)
    model.load_state_dict(sd)
    return model, {k: v for k, v in sd.items() if k.startswith("adapters.")}


def peft_prompt(config, state, k, **kwargs):
    from peft import PromptTuningConfig, get_peft_model

    return get_peft_model(oracle_model(config, state), PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=k, **kwargs))


def peft_prefix(config, state, keys, values):
    """peft prefix tuning with embedding row t = [K_0 V_0 K_1 V_1 ...] of virtual token t."""
    from peft import PrefixTuningConfig, get_peft_model

    k = keys.shape[1]
    model = get_peft_model(oracle_model(config, state), PrefixTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=k))
    weight = torch.cat([torch.cat([keys[i], values[i]], dim=1) for i in range(keys.shape[0])], dim=1)
    with torch.no_grad():
        model.prompt_encoder.default.embedding.weight.copy_(weight)
    return model


def manual_prefix_logits(config, state, keys, values, ids, mask):
    """GPT-2 written out: each layer's attention over [prefix; tokens]; real positions numbered from k."""
    model = oracle_model(config, state)
    tr = model.transformer
    b, n = ids.shape
    k = keys.shape[1]
    d, heads = config["n_embd"], config["n_head"]
    hd = d // heads
    x = tr.wte(ids) + tr.wpe(torch.arange(k, k + n))
    allowed = torch.cat([torch.ones(n, k, dtype=torch.bool), torch.ones(n, n, dtype=torch.bool).tril()], dim=1)
    allowed = allowed[None, None] & torch.cat([torch.ones(b, k, dtype=torch.bool), mask.bool()], dim=1)[:, None, None, :]
    with torch.no_grad():
        for i, block in enumerate(tr.h):
            q, kk, v = block.attn.c_attn(block.ln_1(x)).split(d, dim=2)
            kk = torch.cat([keys[i].expand(b, k, d), kk], dim=1)
            v = torch.cat([values[i].expand(b, k, d), v], dim=1)
            split = lambda t: t.reshape(b, t.shape[1], heads, hd).transpose(1, 2)  # noqa: E731
            scores = split(q) @ split(kk).transpose(-1, -2) / math.sqrt(hd)
            att = scores.masked_fill(~allowed, float("-inf")).softmax(-1) @ split(v)
            x = x + block.attn.c_proj(att.transpose(1, 2).reshape(b, n, d))
            x = x + block.mlp(block.ln_2(x))
        return model.lm_head(tr.ln_f(x))


def adamw_losses(model, params, ids, mask, labels, steps, lr, loss_fn=None):
    """The stated procedure: one AdamW over params, full batch, loss before each update."""
    opt = torch.optim.AdamW(params, lr=lr)
    losses = []
    for _ in range(steps):
        out = model(input_ids=ids, attention_mask=mask, labels=labels)
        loss = out.loss if loss_fn is None else loss_fn(out)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def masked_close(got, want, mask, what):
    """Compare logits at real positions only (padded positions are free)."""
    keep = mask.bool()
    check(tuple(got.shape) == tuple(want.shape), f"{what}: logits should have shape (batch, seq, vocab)")
    assert_close(got[keep], want[keep], what=what, **TOL)


def gpt2_param_count(config: dict) -> int:
    torch.manual_seed(0)
    return sum(p.numel() for p in GPT2LMHeadModel(GPT2Config(**config)).parameters())


# ---- 1. bottleneck adapter module --------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", [pytest.param(a, marks=pytest.mark.points(2)) for a in ("relu", "gelu", "tanh")])
def test_adapter_formula(lab, activation):
    """BottleneckAdapter computes x + up(f(down(x))) with the named nonlinearity, on 2-D and 3-D inputs."""
    adapter = lab.BottleneckAdapter(12, 5, activation)
    g = torch.Generator().manual_seed(1)
    sd = {"down.weight": torch.randn(5, 12, generator=g), "down.bias": torch.randn(5, generator=g),
          "up.weight": torch.randn(12, 5, generator=g), "up.bias": torch.randn(12, generator=g)}
    adapter.load_state_dict(sd)
    for shape in ((4, 12), (2, 3, 12)):
        x = 3 * torch.randn(*shape, generator=g)
        want = x + F.linear(ACT[activation](F.linear(x, sd["down.weight"], sd["down.bias"])), sd["up.weight"], sd["up.bias"])
        got = adapter(x)
        check(tuple(got.shape) == shape, "the adapter's output should have its input's shape")
        assert_close(got, want, what=f"{activation} adapter output", **TOL)


@pytest.mark.points(4)
def test_adapter_init_is_identity(lab):
    """A new BottleneckAdapter: down/up shapes, up zero (weight and bias), down not zero, output == input exactly; relu by default."""
    torch.manual_seed(0)
    adapter = lab.BottleneckAdapter(d_model=16, bottleneck=3)
    sd = adapter.state_dict()
    want = {"down.weight": (3, 16), "down.bias": (3,), "up.weight": (16, 3), "up.bias": (16,)}
    check({k: tuple(v.shape) for k, v in sd.items()} == want, "state_dict should hold down.weight/bias (bottleneck x d_model) "
          "and up.weight/bias (d_model x bottleneck), nothing else")
    check(torch.count_nonzero(sd["up.weight"]) == 0 and torch.count_nonzero(sd["up.bias"]) == 0, "up should start at zero")
    check(torch.count_nonzero(sd["down.weight"]) > 0, "down should keep PyTorch's default (random) initialisation")
    bound = 1 / math.sqrt(16)
    check(bool(sd["down.weight"].abs().max() <= bound + 1e-6) and float(sd["down.weight"].std()) > bound / 4,
          "down.weight should have nn.Linear's default initialisation")
    x = 1e3 * torch.randn(5, 16)
    check(torch.equal(adapter(x), x), "a freshly made adapter must return its input unchanged")
    g = torch.Generator().manual_seed(2)
    sd = {k: torch.randn(v.shape, generator=g) for k, v in sd.items()}
    adapter.load_state_dict(sd)
    x = torch.randn(6, 16, generator=g)
    want = x + F.linear(F.relu(F.linear(x, sd["down.weight"], sd["down.bias"])), sd["up.weight"], sd["up.bias"])
    assert_close(adapter(x), want, what="default (relu) adapter output", **TOL)


@pytest.mark.points(2)
def test_adapter_errors(lab):
    """BottleneckAdapter: bottleneck 1 is valid; d_model or bottleneck below 1, or an unknown activation, raise ValueError."""
    one = lab.BottleneckAdapter(4, 1, "tanh")
    check(tuple(one.state_dict()["down.weight"].shape) == (1, 4), "bottleneck 1 is valid")
    narrow = lab.BottleneckAdapter(1, 3)
    check(tuple(narrow.state_dict()["up.weight"].shape) == (1, 3), "d_model 1 is valid")
    for args in ((4, 0), (0, 2), (4, -1), (4, 2, "sigmoid"), (4, 2, "ReLU"), (4, 2, "")):
        with pytest.raises(ValueError):
            lab.BottleneckAdapter(*args)


# ---- 2. adapter model --------------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_adapter_model_structure_and_count(lab):
    """AdapterModel: base.* keys, 2 adapters per block, only adapters trainable; count_parameters gives the formula."""
    state = random_state(CONFIG, 0)
    model = lab.AdapterModel(lab.build_base_model(CONFIG, state), 5)
    keys = set(model.state_dict())
    want = {f"base.{k}" for k in state} | set(adapter_keys(2))
    check(keys == want, f"state_dict keys: missing {sorted(want - keys)[:3]}, unexpected {sorted(keys - want)[:3]}")
    d, b, L = 32, 5, 2
    trainable, total = lab.count_parameters(model)
    check(trainable == 2 * L * (2 * d * b + b + d), "trainable parameters should be the adapters' only: 2 per block x (2 d b + b + d)")
    check(total == gpt2_param_count(CONFIG) + trainable, "total should be the base's parameters plus the adapters'")
    deep = lab.AdapterModel(lab.build_base_model(DEEP), 2, "gelu")
    check(lab.count_parameters(deep)[0] == 2 * 3 * (2 * 24 * 2 + 2 + 24), "3 blocks of width 24, bottleneck 2: wrong trainable count")
    with pytest.raises(ValueError):
        lab.AdapterModel(lab.build_base_model(CONFIG), 0)


@pytest.mark.points(4)
def test_adapter_model_identity_at_init(lab):
    """A new AdapterModel gives the base model's logits and loss exactly (padding and labels included)."""
    state = random_state(CONFIG, 1)
    oracle = oracle_model(CONFIG, state)
    ids, mask, labels = batch(3)
    model = lab.AdapterModel(lab.build_base_model(CONFIG, state), 4)
    out = model(ids, mask, labels)
    with torch.no_grad():
        want = oracle(input_ids=ids, attention_mask=mask, labels=labels)
    masked_close(out["logits"], want.logits, mask, "adapter model at init vs base model")
    assert_close(out["loss"], want.loss, what="adapter model loss at init", **TOL)
    bare = model(ids)
    check(bare["loss"] is None, "loss should be None without labels")
    with torch.no_grad():
        assert_close(bare["logits"], oracle(input_ids=ids).logits, what="adapter model at init, no mask", **TOL)


@pytest.mark.parametrize("activation", [pytest.param("relu", marks=pytest.mark.points(4)), pytest.param("tanh", marks=pytest.mark.points(3))])
def test_adapter_model_matches_hooks(lab, activation):
    """AdapterModel with trained adapters = GPT-2 with x + up(f(down(x))) on the attn.c_proj and mlp.c_proj outputs."""
    for config, seed, left in ((CONFIG, 2, False), (DEEP, 3, True)):
        state = random_state(config, seed)
        model, adapters = student_adapter_model(lab, config, state, 3, seed + 10, None if activation == "relu" else activation)
        oracle = hooked_oracle(config, state, adapters, activation)
        ids, mask, labels = batch(seed, left=left)
        out = model(input_ids=ids, attention_mask=mask, labels=labels)
        with torch.no_grad():
            want = oracle(input_ids=ids, attention_mask=mask, labels=labels)
        masked_close(out["logits"], want.logits, mask, f"adapter model ({config['n_layer']} blocks) logits")
        assert_close(out["loss"], want.loss, what="adapter model loss", **TOL)


@pytest.mark.points(5)
def test_adapter_training(lab):
    """train_peft on an AdapterModel: base bit-identical, adapters change, losses as the stated AdamW run, eval mode after."""
    state = random_state(CONFIG, 4)
    model, adapters = student_adapter_model(lab, CONFIG, state, 3, 14)
    ids, mask, labels = batch(5)
    losses = lab.train_peft(model, ids, mask, labels, 4, lr=0.02)
    weights = {k: v.clone().requires_grad_(True) for k, v in adapters.items()}
    oracle = hooked_oracle(CONFIG, state, weights)
    for p in oracle.parameters():
        p.requires_grad_(False)
    want = adamw_losses(oracle.train(), list(weights.values()), ids, mask, labels, 4, 0.02)
    check(len(losses) == 4 and all(type(x) is float for x in losses), "train_peft should return one Python float per step")
    assert_close(torch.tensor(losses), torch.tensor(want), atol=1e-4, rtol=1e-4, what="adapter training losses")
    after = model.state_dict()
    check(all(torch.equal(after[f"base.{k}"], v) for k, v in state.items()), "the frozen base model changed during training")
    for k, v in weights.items():
        assert_close(after[k], v.detach(), atol=1e-4, rtol=1e-4, what=f"trained {k}")
    check(model.training is False, "train_peft should leave the model in eval mode")


@pytest.mark.points(3)
def test_adapter_learns_from_zero(lab):
    """A new AdapterModel learns: after a few steps both down and up have changed and the loss fell."""
    state = random_state(CONFIG, 6)
    torch.manual_seed(0)
    model = lab.AdapterModel(lab.build_base_model(CONFIG, state), 4)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    ids, mask, labels = batch(7)
    losses = lab.train_peft(model, ids, mask, labels, 6, 0.05)
    after = model.state_dict()
    for j in range(4):
        for lin in ("down", "up"):
            key = f"adapters.{j}.{lin}.weight"
            check(not torch.equal(before[key], after[key]), f"{key} did not change in training")
    check(losses[-1] < losses[0], "the loss should fall")


# ---- 3. prefix tuning --------------------------------------------------------------------------------------------


def student_prefix(lab, config, state, k, seed):
    model = lab.PrefixTuningModel(lab.build_base_model(config, state), k)
    sd = model.state_dict()
    g = torch.Generator().manual_seed(seed)
    shape = (config["n_layer"], k, config["n_embd"])
    keys, values = torch.randn(shape, generator=g), torch.randn(shape, generator=g)
    check(tuple(sd["prefix_keys"].shape) == shape and tuple(sd["prefix_values"].shape) == shape,
          "prefix_keys and prefix_values should have shape (n_layer, k, n_embd)")
    sd["prefix_keys"], sd["prefix_values"] = keys, values
    model.load_state_dict(sd)
    return model, keys, values


@pytest.mark.parametrize("case", [pytest.param("k1", marks=pytest.mark.points(3)), pytest.param("k3_deep", marks=pytest.mark.points(5))])
def test_prefix_matches_peft(lab, case):
    """PrefixTuningModel = peft's PrefixTuningConfig holding the same per-layer keys and values (logits and loss)."""
    config, k = (CONFIG, 1) if case == "k1" else (DEEP, 3)
    state = random_state(config, 20 + k)
    model, keys, values = student_prefix(lab, config, state, k, 30 + k)
    oracle = peft_prefix(config, state, keys, values)
    for left in (False, True):
        ids, mask, labels = batch(40 + k, left=left)
        out = model(ids, mask, labels)
        with torch.no_grad():
            want = oracle(input_ids=ids, attention_mask=mask, labels=labels)
        masked_close(out["logits"], want.logits, mask, f"prefix tuning logits, k={k}")
        assert_close(out["loss"], want.loss, what="prefix tuning loss", **TOL)
    ids = batch(50)[0]
    bare = model(ids)
    check(bare["loss"] is None, "loss should be None without labels")
    with torch.no_grad():
        assert_close(bare["logits"], oracle(input_ids=ids).logits, what="prefix tuning without a mask", **TOL)
    again = model(ids)
    check(torch.equal(again["logits"], bare["logits"]), "a second call gave different logits: nothing may carry over between calls")


@pytest.mark.points(4)
def test_prefix_is_attention_over_prefix(lab):
    """Each layer attends over [its own prefix keys/values; the tokens], heads split as the layer's own."""
    state = random_state(DEEP, 60)
    model, keys, values = student_prefix(lab, DEEP, state, 2, 61)
    ids, mask, _ = batch(62, rows=2, seq=6)
    masked_close(model(ids, mask)["logits"], manual_prefix_logits(DEEP, state, keys, values, ids, mask), mask,
                 "prefix tuning vs attention over [prefix; tokens]")


@pytest.mark.points(3)
def test_prefix_structure_and_count(lab):
    """PrefixTuningModel: base.* keys + prefix_keys/values; only the prefix trainable (2 L k d); k below 1 raises."""
    state = random_state(CONFIG, 70)
    model = lab.PrefixTuningModel(lab.build_base_model(CONFIG, state), num_virtual_tokens=5)
    keys = set(model.state_dict())
    want = {f"base.{k}" for k in state} | {"prefix_keys", "prefix_values"}
    check(keys == want, f"state_dict keys: missing {sorted(want - keys)[:3]}, unexpected {sorted(keys - want)[:3]}")
    sd = model.state_dict()
    check(not torch.equal(sd["prefix_keys"][0], sd["prefix_keys"][1]), "each layer should have its own prefix")
    check(0.5 < float(sd["prefix_values"].std()) < 2.0, "the prefix should start from a standard normal")
    trainable, total = lab.count_parameters(model)
    check(trainable == 2 * 2 * 5 * 32, "trainable parameters should be the prefix only: 2 x n_layer x k x n_embd")
    oracle = peft_prefix(CONFIG, state, sd["prefix_keys"], sd["prefix_values"])
    check((trainable, total) == tuple(oracle.get_nb_trainable_parameters()), "counts differ from peft's get_nb_trainable_parameters")
    for bad in (0, -2):
        with pytest.raises(ValueError):
            lab.PrefixTuningModel(lab.build_base_model(CONFIG), bad)


@pytest.mark.points(4)
def test_prefix_training_matches_peft(lab):
    """train_peft on a PrefixTuningModel follows peft's prefix model under the same AdamW; the base stays bit-identical."""
    state = random_state(CONFIG, 80)
    model, keys, values = student_prefix(lab, CONFIG, state, 2, 81)
    oracle = peft_prefix(CONFIG, state, keys, values)
    ids, mask, labels = batch(82)
    losses = lab.train_peft(model, ids, mask, labels, steps=3, lr=0.05)
    want = adamw_losses(oracle.train(), [p for p in oracle.parameters() if p.requires_grad], ids, mask, labels, 3, 0.05)
    assert_close(torch.tensor(losses), torch.tensor(want), atol=1e-4, rtol=1e-4, what="prefix training losses")
    after = model.state_dict()
    check(all(torch.equal(after[f"base.{k}"], v) for k, v in state.items()), "the frozen base model changed during training")
    check(not torch.equal(after["prefix_keys"], keys) and not torch.equal(after["prefix_values"], values), "the prefix did not train")


# ---- 4. prompt tuning --------------------------------------------------------------------------------------------


def student_prompt(lab, config, state, k, seed):
    model = lab.PromptTuningModel(lab.build_base_model(config, state), k)
    sd = model.state_dict()
    prompt = torch.randn(k, config["n_embd"], generator=torch.Generator().manual_seed(seed))
    check(tuple(sd["prompt.weight"].shape) == (k, config["n_embd"]), "prompt.weight should have shape (k, n_embd)")
    sd["prompt.weight"] = prompt
    model.load_state_dict(sd)
    return model, prompt


@pytest.mark.parametrize("case", [pytest.param("right_k4", marks=pytest.mark.points(4)), pytest.param("left_k1", marks=pytest.mark.points(3)),
                                  pytest.param("deep_k3", marks=pytest.mark.points(3))])
def test_prompt_matches_peft(lab, case):
    """PromptTuningModel = peft's PromptTuningConfig with the same prompt: real-position logits and the loss."""
    config, k, left = {"right_k4": (CONFIG, 4, False), "left_k1": (CONFIG, 1, True), "deep_k3": (DEEP, 3, False)}[case]
    state = random_state(config, 90 + k)
    model, prompt = student_prompt(lab, config, state, k, 91 + k)
    oracle = peft_prompt(config, state, k)
    with torch.no_grad():
        oracle.prompt_encoder.default.embedding.weight.copy_(prompt)
    ids, mask, labels = batch(92 + k, left=left)
    out = model(ids, mask, labels)
    with torch.no_grad():
        want = oracle(input_ids=ids, attention_mask=mask, labels=labels)
    check(tuple(want.logits.shape[:2]) == (3, 7 + k), "oracle sanity")
    masked_close(out["logits"], want.logits[:, k:], mask, f"prompt tuning logits of the real positions, k={k}")
    assert_close(out["loss"], want.loss, what="prompt tuning loss (labels -100 on the virtual positions)", **TOL)
    bare = model(ids)
    check(bare["loss"] is None, "loss should be None without labels")
    with torch.no_grad():
        assert_close(bare["logits"], oracle(input_ids=ids).logits[:, k:], what="prompt tuning without a mask", **TOL)


@pytest.mark.points(3)
def test_prompt_structure_and_count(lab):
    """PromptTuningModel: base.* keys + prompt.weight; only the prompt trainable (k d), counts as peft's; bad k raises."""
    state = random_state(CONFIG, 100)
    model = lab.PromptTuningModel(lab.build_base_model(CONFIG, state), num_virtual_tokens=6)
    keys = set(model.state_dict())
    want = {f"base.{k}" for k in state} | {"prompt.weight"}
    check(keys == want, f"state_dict keys: missing {sorted(want - keys)[:3]}, unexpected {sorted(keys - want)[:3]}")
    check(0.5 < float(model.state_dict()["prompt.weight"].std()) < 2.0, "the prompt should start from a standard normal")
    counts = lab.count_parameters(model)
    check(counts[0] == 6 * 32, "trainable parameters should be the prompt only: k x n_embd")
    check(tuple(counts) == tuple(peft_prompt(CONFIG, state, 6).get_nb_trainable_parameters()),
          "counts differ from peft's get_nb_trainable_parameters")
    for bad in (0, -1):
        with pytest.raises(ValueError):
            lab.PromptTuningModel(lab.build_base_model(CONFIG), bad)


@pytest.fixture(scope="module")
def word_tokenizer(tmp_path_factory):
    """A word-level tokenizer ('w0' .. 'w59' -> 0 .. 59) saved where peft can load it."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel({f"w{i}": i for i in range(VOCAB)}, unk_token="w0"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    folder = tmp_path_factory.mktemp("tokenizer")
    PreTrainedTokenizerFast(tokenizer_object=tok).save_pretrained(folder)
    return str(folder)


@pytest.mark.parametrize("ids", [pytest.param([5, 17], id="repeated"), pytest.param([3, 9, 44, 12, 0, 59, 7], id="truncated"),
                                 pytest.param([21], id="single")])
@pytest.mark.points(2)
def test_prompt_init_from_ids(lab, word_tokenizer, ids):
    """init_token_ids: the prompt starts as peft's PromptTuningInit.TEXT rows (repeated, then cut to k)."""
    from peft import PromptTuningInit

    state = random_state(CONFIG, 110)
    k = 5
    model = lab.PromptTuningModel(lab.build_base_model(CONFIG, state), k, init_token_ids=ids)
    oracle = peft_prompt(CONFIG, state, k, prompt_tuning_init=PromptTuningInit.TEXT,
                         prompt_tuning_init_text=" ".join(f"w{i}" for i in ids), tokenizer_name_or_path=word_tokenizer)
    want = oracle.prompt_encoder.default.embedding.weight.detach()
    assert_close(model.state_dict()["prompt.weight"], want, atol=0, rtol=0, what="prompt initialised from token ids")
    check(lab.count_parameters(model)[0] == k * 32, "the prompt is still the only trainable parameter")


@pytest.mark.points(3)
def test_prompt_init_errors(lab):
    """init_token_ids: a tuple and the last id are valid; an empty list or an id outside the vocabulary raises ValueError."""
    state = random_state(CONFIG, 111)
    model = lab.PromptTuningModel(lab.build_base_model(CONFIG, state), 2, (VOCAB - 1, 0))
    assert_close(model.state_dict()["prompt.weight"], state["transformer.wte.weight"][[VOCAB - 1, 0]], atol=0, rtol=0,
                 what="prompt from ids (59, 0)")
    for bad in ([], [VOCAB], [1, -1], [2, VOCAB + 5]):
        with pytest.raises(ValueError):
            lab.PromptTuningModel(lab.build_base_model(CONFIG, state), 2, bad)


@pytest.mark.points(4)
def test_prompt_training_matches_peft(lab):
    """train_peft on a PromptTuningModel follows peft's prompt model under the same AdamW; the base stays bit-identical."""
    state = random_state(CONFIG, 120)
    model, prompt = student_prompt(lab, CONFIG, state, 3, 121)
    oracle = peft_prompt(CONFIG, state, 3)
    with torch.no_grad():
        oracle.prompt_encoder.default.embedding.weight.copy_(prompt)
    ids, mask, labels = batch(122, left=True)
    losses = lab.train_peft(model, ids, mask, labels, 4, 0.05)
    want = adamw_losses(oracle.train(), [p for p in oracle.parameters() if p.requires_grad], ids, mask, labels, 4, 0.05)
    assert_close(torch.tensor(losses), torch.tensor(want), atol=1e-4, rtol=1e-4, what="prompt training losses")
    after = model.state_dict()
    check(all(torch.equal(after[f"base.{k}"], v) for k, v in state.items()), "the frozen base model changed during training")
    assert_close(after["prompt.weight"], oracle.prompt_encoder.default.embedding.weight.detach(), atol=1e-4, rtol=1e-4,
                 what="trained prompt")


# ---- 5. counting and training ------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_count_parameters(lab):
    """count_parameters: (trainable, total), tied embedding/head counted once, frozen weights only in the total."""
    base = lab.build_base_model(CONFIG)
    n = gpt2_param_count(CONFIG)
    check(tuple(lab.count_parameters(base)) == (n, n), "a fresh base model: every parameter trainable, tied weights counted once")
    check(all(type(c) is int for c in lab.count_parameters(base)), "counts should be Python ints")
    model = lab.PromptTuningModel(base, 2)
    check(tuple(lab.count_parameters(model)) == (2 * 32, n + 2 * 32), "wrapped: trainable is the prompt, total adds it to the base")


@pytest.mark.points(4)
def test_train_full_model_matches_adamw(lab):
    """train_peft on a plain GPT2LMHeadModel trains every parameter exactly as the stated AdamW run."""
    state = random_state(CONFIG, 130)
    model = lab.build_base_model(CONFIG, state)
    ids, mask, labels = batch(131)
    losses = lab.train_peft(model, ids, mask, labels, 3)
    oracle = oracle_model(CONFIG, state).train()
    want = adamw_losses(oracle, list(oracle.parameters()), ids, mask, labels, 3, 1e-2)
    assert_close(torch.tensor(losses), torch.tensor(want), atol=1e-4, rtol=1e-4, what="full fine-tuning losses (default lr 1e-2)")
    after = model.state_dict()
    assert_close(after["transformer.h.0.mlp.c_fc.weight"], oracle.state_dict()["transformer.h.0.mlp.c_fc.weight"], atol=1e-4,
                 rtol=1e-4, what="a trained weight")
    check(model.training is False, "train_peft should leave the model in eval mode")


@pytest.mark.points(3)
def test_train_edge_cases(lab):
    """train_peft: steps=0 gives [] and changes nothing; negative steps or nothing trainable raise ValueError."""
    state = random_state(CONFIG, 140)
    model = lab.PromptTuningModel(lab.build_base_model(CONFIG, state), 2)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    ids, mask, labels = batch(141)
    check(list(lab.train_peft(model, ids, mask, labels, 0)) == [], "steps=0 should return []")
    check(torch.equal(model.state_dict()["prompt.weight"], before["prompt.weight"]), "steps=0 should not change the prompt")
    check(len(lab.train_peft(model, ids, mask, labels, 1)) == 1, "steps=1 gives one loss")
    with pytest.raises(ValueError):
        lab.train_peft(model, ids, mask, labels, -1)
    frozen = lab.AdapterModel(lab.build_base_model(CONFIG, state), 2).base
    with pytest.raises(ValueError):
        lab.train_peft(frozen, ids, mask, labels, 1)


# ---- 6. comparison -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def comparison(lab):
    state = random_state(CONFIG, 150)
    ids, mask, labels = batch(151)
    rows = lab.compare_methods(CONFIG, state, ids, mask, labels, bottleneck=2, num_virtual_tokens=3, steps=4, lr=0.05, seed=5)
    return state, (ids, mask, labels), rows


@pytest.mark.points(3)
def test_compare_rows_and_counts(lab, comparison):
    """compare_methods: rows full, adapter, prefix, prompt with the stated keys; parameter counts by formula."""
    _, _, rows = comparison
    rows = list(rows)
    check([r["method"] for r in rows] == ["full", "adapter", "prefix", "prompt"], "rows should be full, adapter, prefix, prompt in order")
    check(all(set(r) == {"method", "trainable_params", "total_params", "initial_loss", "final_loss"} for r in rows),
          "each row should have exactly the keys method, trainable_params, total_params, initial_loss, final_loss")
    n, d, L = gpt2_param_count(CONFIG), 32, 2
    want = {"full": n, "adapter": 2 * L * (2 * d * 2 + 2 + d), "prefix": 2 * L * 3 * d, "prompt": 3 * d}
    for r in rows:
        check(r["trainable_params"] == want[r["method"]], f"{r['method']}: wrong trainable parameter count")
        extra = 0 if r["method"] == "full" else want[r["method"]]
        check(r["total_params"] == n + extra, f"{r['method']}: wrong total parameter count")
        check(type(r["initial_loss"]) is float and type(r["final_loss"]) is float, "losses should be Python floats")


@pytest.mark.points(4)
def test_compare_losses(lab, comparison):
    """compare_methods: each method starts from the same base (full/adapter at the base loss), full matches AdamW, all losses fall."""
    state, (ids, mask, labels), rows = comparison
    rows = {r["method"]: r for r in rows}
    oracle = oracle_model(CONFIG, state)
    with torch.no_grad():
        base_loss = oracle(input_ids=ids, attention_mask=mask, labels=labels).loss.item()
    for method in ("full", "adapter"):
        check(abs(rows[method]["initial_loss"] - base_loss) < 1e-4, f"{method}: the initial loss should be the untouched base model's")
    oracle.train()
    adamw_losses(oracle, list(oracle.parameters()), ids, mask, labels, 4, 0.05)
    with torch.no_grad():
        final = oracle.eval()(input_ids=ids, attention_mask=mask, labels=labels).loss.item()
    check(abs(rows["full"]["final_loss"] - final) < 1e-3, "full: final_loss should be the trained model's loss after the last step")
    for method, r in rows.items():
        check(r["final_loss"] < r["initial_loss"], f"{method}: the loss should fall in training")


@pytest.mark.points(3)
def test_compare_seed_defaults_errors(lab):
    """compare_methods: defaults (bottleneck 4, k 4, 10 steps, lr 1e-2, seed 0), same seed same table, steps below 1 raises."""
    state = random_state(CONFIG, 160)
    ids, mask, labels = batch(161, rows=2, seq=5)
    first = lab.compare_methods(CONFIG, state, ids, mask, labels)
    check([r["trainable_params"] for r in first][1:] == [2 * 2 * (2 * 32 * 4 + 4 + 32), 2 * 2 * 4 * 32, 4 * 32],
          "defaults should be bottleneck=4, num_virtual_tokens=4")
    oracle = oracle_model(CONFIG, state).train()
    adamw_losses(oracle, list(oracle.parameters()), ids, mask, labels, 10, 1e-2)
    with torch.no_grad():
        final = oracle.eval()(input_ids=ids, attention_mask=mask, labels=labels).loss.item()
    check(abs(first[0]["final_loss"] - final) < 1e-3, "full: final_loss with the defaults (10 steps, lr 1e-2) is wrong")
    second = lab.compare_methods(CONFIG, state, ids, mask, labels, bottleneck=4, num_virtual_tokens=4, steps=10, lr=1e-2, seed=0)
    for a, b in zip(first, second):
        check(abs(a["initial_loss"] - b["initial_loss"]) < 1e-6 and abs(a["final_loss"] - b["final_loss"]) < 1e-6,
              "the same seed should give the same table (seed 0 by default)")
    other = lab.compare_methods(CONFIG, state, ids, mask, labels, steps=1, seed=1)
    check(other[2]["initial_loss"] != first[2]["initial_loss"], "another seed should give another random prefix")
    keyword = lab.compare_methods(config=CONFIG, state_dict=state, input_ids=ids, attention_mask=mask, labels=labels, steps=1)
    check(len(keyword) == 4, "steps=1 is valid, every argument may be given by keyword")
    with pytest.raises(TypeError):
        lab.compare_methods(CONFIG, state, ids, mask, labels, 4)  # the options are keyword-only
    with pytest.raises(ValueError):
        lab.compare_methods(CONFIG, state, ids, mask, labels, steps=0)
