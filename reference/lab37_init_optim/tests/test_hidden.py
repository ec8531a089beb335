"""Hidden tests for lab 37 (initialisation schemes, SGD and AdamW from scratch).

Oracles:
* ``torch.nn.init.calculate_gain`` and the closed-form bounds and standard
  deviations of Xavier and Kaiming initialisation, checked statistically on
  large tensors (seed-independent tolerances: the standard deviation within
  2 % of the formula, the uniform's largest entry within 1 % below its bound,
  the shape of the distribution by the share of entries within one standard
  deviation or half the bound);
* the GPT-2 scheme as Hugging Face's ``GPT2PreTrainedModel._init_weights``
  applies it (``N(0, 0.02)`` on ``Conv1D`` weights and embeddings, zeros on
  biases, ones on LayerNorm weights, ``0.02 / sqrt(2 * n_layer)`` on every
  ``c_proj.weight``), compared with a tiny ``GPT2LMHeadModel`` built from a
  config (no downloads);
* ``torch.optim.SGD`` and ``torch.optim.AdamW`` run here on the same
  parameters and the same random gradient sequence, step by step, for 100
  steps.
"""

from __future__ import annotations

import math

import pytest
import torch

from autograder.testing import assert_close, check

SQRT5 = math.sqrt(5.0)
TOL = {torch.float32: dict(atol=1e-5, rtol=1e-5), torch.float64: dict(atol=1e-10, rtol=1e-10)}


def fresh(text: str) -> str:
    """An equal string that is a new object (not the interned literal), as strings arriving from elsewhere are."""
    return "".join([text[:1], text[1:]])


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# ---- initialisation -------------------------------------------------------------------------------


GAIN_CASES = [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
    ("conv_transpose1d", None), ("conv_transpose2d", None), ("conv_transpose3d", None), ("sigmoid", None),
    ("tanh", None), ("relu", None), ("selu", None), ("relu", 0.5), ("tanh", 3.0),
    ("leaky_relu", None), ("leaky_relu", 0), ("leaky_relu", 0.2), ("leaky_relu", 1), ("leaky_relu", 2),
    ("leaky_relu", SQRT5), ("leaky_relu", -0.5),
]


@pytest.mark.points(3)
def test_calculate_gain_matches_torch(lab):
    """calculate_gain equals torch.nn.init.calculate_gain for every nonlinearity and several leaky-ReLU slopes."""
    results = lab.map(lab.calculate_gain, GAIN_CASES)
    for (name, param), got in zip(GAIN_CASES, results):
        expected = torch.nn.init.calculate_gain(name, param)
        check(isinstance(got, float), f"calculate_gain({name!r}, {param!r}) should return a Python float")
        assert_close(got, expected, atol=1e-12, rtol=1e-12, what=f"calculate_gain({name!r}, {param!r})")
    assert_close(lab.calculate_gain(nonlinearity="leaky_relu", param=0.3), torch.nn.init.calculate_gain("leaky_relu", 0.3),
                 atol=1e-12, rtol=1e-12, what="calculate_gain called with keywords")
    assert_close(lab.calculate_gain("leaky_relu"), math.sqrt(2 / (1 + 0.01**2)), atol=1e-12, rtol=1e-12,
                 what="calculate_gain('leaky_relu') with the default slope")
    for name, param in (("tanh", None), ("relu", None), ("leaky_relu", 0.3), ("selu", None), ("sigmoid", None)):
        assert_close(lab.calculate_gain(fresh(name), param), torch.nn.init.calculate_gain(name, param), atol=1e-12, rtol=1e-12,
                     what=f"calculate_gain({name!r}) with a name built at run time (compare strings with ==)")


@pytest.mark.points(1)
def test_calculate_gain_errors(lab):
    """calculate_gain refuses unknown nonlinearities and leaky-ReLU slopes that are not numbers (bools included)."""
    assert_close(lab.calculate_gain("leaky_relu", 0.1), math.sqrt(2 / 1.01), atol=1e-12, rtol=1e-12, what="calculate_gain('leaky_relu', 0.1)")
    for args in (("gelu",), ("identity",), ("zeta",), ("xyz", 0.1), ("unknown",), ("softmax", None), ("Relu",), ("leaky_relu", "0.1"), ("leaky_relu", True), ("leaky_relu", [0.1])):
        with pytest.raises(ValueError):
            lab.calculate_gain(*args)


@pytest.mark.points(2)
def test_fan_in_fan_out(lab):
    """fan_in_fan_out: (in * receptive, out * receptive) for matrices and convolution weights; fewer than 2 dims raise."""
    cases = [((64, 32), (32, 64)), ((16, 8, 3, 3), (72, 144)), ([5, 7, 2], (14, 10)), ((3, 4, 2, 2, 2), (32, 24)), ((1, 9), (9, 1))]
    for shape, expected in cases:
        got = lab.fan_in_fan_out(shape)
        check(tuple(got) == expected, f"fan_in_fan_out({shape}) is wrong")
        check(all(isinstance(v, int) for v in got), "fan_in_fan_out should return Python ints")
    for shape in ((5,), (), [7]):
        with pytest.raises(ValueError):
            lab.fan_in_fan_out(shape)


def fans(shape):
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def check_uniform(w, shape, bound, what, dtype=torch.float32):
    check(torch.is_tensor(w), f"{what}: expected a tensor")
    check(tuple(w.shape) == tuple(shape), f"{what}: wrong shape {tuple(w.shape)}")
    check(w.dtype == dtype, f"{what}: wrong dtype {w.dtype}")
    w = w.double()
    top = float(w.abs().max())
    check(top <= bound * (1 + 1e-6), f"{what}: an entry lies outside the bound of the uniform distribution")
    check(top >= 0.99 * bound, f"{what}: the largest entry is well below the bound: the range is too narrow")
    assert_close(float(w.std()), bound / math.sqrt(3), atol=0.0, rtol=0.02, what=f"{what}: the standard deviation")
    check(abs(float(w.mean())) < 6 * bound / math.sqrt(3 * w.numel()), f"{what}: the mean is not 0")
    inner = float((w.abs() < bound / 2).double().mean())
    check(abs(inner - 0.5) < 0.01, f"{what}: the entries are not uniformly spread over [-bound, bound]")


def check_normal(w, shape, std, what, dtype=torch.float32):
    check(torch.is_tensor(w), f"{what}: expected a tensor")
    check(tuple(w.shape) == tuple(shape), f"{what}: wrong shape {tuple(w.shape)}")
    check(w.dtype == dtype, f"{what}: wrong dtype {w.dtype}")
    w = w.double()
    assert_close(float(w.std()), std, atol=0.0, rtol=0.02, what=f"{what}: the standard deviation")
    check(abs(float(w.mean())) < 6 * std / math.sqrt(w.numel()), f"{what}: the mean is not 0")
    inner = float((w.abs() < std).double().mean())
    check(abs(inner - 0.6827) < 0.01, f"{what}: the entries do not follow a normal distribution")
    check(float(w.abs().max()) > 3.5 * std, f"{what}: no entries in the tails: not a normal distribution")


XAVIER_CASES = {
    "square": ((512, 512), 1.0),
    "wide_tanh": ((256, 1024), 5.0 / 3),
    "conv_relu": ((64, 128, 3, 3), math.sqrt(2.0)),
    "tall_small_gain": ((2048, 128), 0.5),
}


@pytest.mark.parametrize("case", list(XAVIER_CASES))
@pytest.mark.points(1)
def test_xavier_uniform_statistics(lab, case):
    """xavier_uniform: entries within gain*sqrt(6/(fan_in+fan_out)), reaching it, uniformly spread, the right std."""
    shape, gain = XAVIER_CASES[case]
    fan_in, fan_out = fans(shape)
    w = lab.xavier_uniform(shape, gain, seed=11)
    check_uniform(w, shape, gain * math.sqrt(6 / (fan_in + fan_out)), f"xavier_uniform({shape}, gain={gain:.3g})")


@pytest.mark.parametrize("case", list(XAVIER_CASES))
@pytest.mark.points(1)
def test_xavier_normal_statistics(lab, case):
    """xavier_normal: normally distributed with std gain*sqrt(2/(fan_in+fan_out)), mean 0."""
    shape, gain = XAVIER_CASES[case]
    fan_in, fan_out = fans(shape)
    w = lab.xavier_normal(shape, gain, seed=12)
    check_normal(w, shape, gain * math.sqrt(2 / (fan_in + fan_out)), f"xavier_normal({shape}, gain={gain:.3g})")


KAIMING_CASES = {
    "defaults": ((256, 1024), {}),
    "relu_fan_out": ((256, 1024), dict(mode="fan_out", nonlinearity="relu")),
    "leaky_half_fan_out": ((1024, 256), dict(a=0.5, mode="fan_out")),
    "linear_default_sqrt5": ((128, 2048), dict(a=SQRT5)),
    "conv_leaky_one": ((64, 64, 5, 5), dict(a=1.0, mode="fan_in", nonlinearity="leaky_relu")),
    "tanh_fan_in": ((512, 384), dict(nonlinearity="tanh", a=0.7)),
    "selu_fan_out": ((384, 512), dict(mode="fan_out", nonlinearity="selu")),
}


def kaiming_std(shape, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    fan_in, fan_out = fans(shape)
    return torch.nn.init.calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


@pytest.mark.parametrize("case", list(KAIMING_CASES))
@pytest.mark.points(1)
def test_kaiming_uniform_statistics(lab, case):
    """kaiming_uniform: bound sqrt(3)*gain/sqrt(fan) with the gain of the nonlinearity and slope a, fan by mode."""
    shape, kwargs = KAIMING_CASES[case]
    w = lab.kaiming_uniform(shape, seed=13, **kwargs)
    check_uniform(w, shape, math.sqrt(3) * kaiming_std(shape, **kwargs), f"kaiming_uniform({shape}, {kwargs})")


@pytest.mark.parametrize("case", list(KAIMING_CASES))
@pytest.mark.points(1)
def test_kaiming_normal_statistics(lab, case):
    """kaiming_normal: std gain/sqrt(fan) with the gain of the nonlinearity and slope a, fan by mode."""
    shape, kwargs = KAIMING_CASES[case]
    w = lab.kaiming_normal(shape, seed=14, **kwargs)
    check_normal(w, shape, kaiming_std(shape, **kwargs), f"kaiming_normal({shape}, {kwargs})")


@pytest.mark.points(2)
def test_init_seeding_dtype_and_positional_calls(lab):
    """Initialisers: the same seed repeats the tensor, another seed changes it, float64 works, positional a/mode/nonlinearity."""
    shape = (384, 640)
    for name in ("xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal"):
        fn = getattr(lab, name)
        a, b, c = fn(shape, seed=5), fn(shape, seed=5), fn(shape, seed=6)
        check(torch.equal(a, b), f"{name}: the same seed should give the same tensor")
        check(not torch.equal(a, c), f"{name}: different seeds should give different tensors")
        d = fn(shape, seed=5, dtype=torch.float64)
        check(d.dtype == torch.float64, f"{name}: dtype=torch.float64 should give a float64 tensor")
        default = fn(shape)
        check(default.dtype == torch.float32 and torch.equal(default, fn(shape, seed=0)), f"{name}: the default seed is 0, the default dtype float32")
    fan_in, fan_out = fans(shape)
    check_uniform(lab.xavier_uniform(shape, seed=3, dtype=torch.float64), shape, math.sqrt(6 / (fan_in + fan_out)),
                  "xavier_uniform in float64 with the default gain", torch.float64)
    check_normal(lab.xavier_normal(shape, seed=3, dtype=torch.float64), shape, math.sqrt(2 / (fan_in + fan_out)),
                 "xavier_normal in float64 with the default gain", torch.float64)
    check_normal(lab.kaiming_normal(shape, 0.5, "fan_out", "leaky_relu", seed=4), shape, kaiming_std(shape, 0.5, "fan_out"),
                 "kaiming_normal(shape, 0.5, 'fan_out', 'leaky_relu')")
    check_uniform(lab.kaiming_uniform(shape, 3.0, "fan_in", "relu", seed=4), shape, math.sqrt(3) * kaiming_std(shape, 0.0, "fan_in", "relu"),
                  "kaiming_uniform(shape, 3.0, 'fan_in', 'relu'): relu ignores a")
    check_uniform(lab.xavier_uniform(shape=shape, gain=2.0, seed=8), shape, 2.0 * math.sqrt(6 / (fan_in + fan_out)),
                  "xavier_uniform called with keywords")
    check_normal(lab.xavier_normal(shape=shape, gain=0.5, seed=9), shape, 0.5 * math.sqrt(2 / (fan_in + fan_out)),
                 "xavier_normal called with keywords")
    check_normal(lab.kaiming_normal(shape, mode=fresh("fan_in"), seed=10), shape, kaiming_std(shape, 0.0, "fan_in"),
                 "kaiming_normal with a mode string built at run time (compare strings with ==)")
    check_uniform(lab.kaiming_uniform(shape=list(shape), a=0.0, mode="fan_out", nonlinearity="linear", seed=2), shape,
                  math.sqrt(3) * kaiming_std(shape, 0.0, "fan_out", "linear"), "kaiming_uniform with a list shape and keywords")


@pytest.mark.points(2)
def test_init_errors(lab):
    """Initialisers raise ValueError for 1-D shapes, an unknown mode or nonlinearity (after a valid call works)."""
    check(tuple(lab.kaiming_normal((8, 4), mode="fan_out").shape) == (8, 4), "kaiming_normal((8, 4)) should work")
    for name in ("xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal"):
        with pytest.raises(ValueError):
            getattr(lab, name)((10,))
    for name in ("kaiming_uniform", "kaiming_normal"):
        with pytest.raises(ValueError):
            getattr(lab, name)((8, 4), mode="fan_avg")
        with pytest.raises(ValueError):
            getattr(lab, name)((8, 4), nonlinearity="gelu")


# ---- GPT-2 initialisation and parameter groups ----------------------------------------------------


def tiny_gpt2(n_layer: int, n_embd: int = 128, vocab: int = 1000, n_positions: int = 256, seed: int = 0):
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(vocab_size=vocab, n_positions=n_positions, n_embd=n_embd, n_layer=n_layer, n_head=4,
                        bos_token_id=vocab - 1, eos_token_id=vocab - 1)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return GPT2LMHeadModel(config)


@pytest.fixture(scope="module")
def hf_models():
    return {n: tiny_gpt2(n) for n in (1, 3, 8)}


def gpt2_expected(name, shape, n_layer, std=0.02):
    """('normal', std) / ('zeros', None) / ('ones', None) by GPT-2's rule."""
    if name.endswith("c_proj.weight"):
        return "normal", std / math.sqrt(2 * n_layer)
    if len(shape) >= 2:
        return "normal", std
    return ("zeros", None) if name.endswith("bias") else ("ones", None)


def check_gpt2_dict(out, shapes, n_layer, std, what):
    check(isinstance(out, dict), f"{what}: expected a dict")
    check(list(out) == list(shapes), f"{what}: the keys should be the parameter names, in order")
    for name, shape in shapes.items():
        w = out[name]
        check(torch.is_tensor(w) and tuple(w.shape) == tuple(shape), f"{what}: {name} has the wrong shape")
        check(w.dtype == torch.float32, f"{what}: {name} should be float32")
        kind, s = gpt2_expected(name, shape, n_layer, std)
        if kind == "zeros":
            check(bool((w == 0).all()), f"{what}: {name} (a bias) should be zeros")
        elif kind == "ones":
            check(bool((w == 1).all()), f"{what}: {name} (a norm's weight) should be ones")
        else:
            w = w.double()
            assert_close(float(w.std()), s, atol=0.0, rtol=0.04, what=f"{what}: the std of {name}")
            check(abs(float(w.mean())) < 6 * s / math.sqrt(w.numel()), f"{what}: {name} should have mean 0")


@pytest.mark.parametrize("n_layer", [1, 3, 8])
@pytest.mark.points(2)
def test_gpt2_init_matches_hugging_face(lab, hf_models, n_layer):
    """gpt2_init on a GPT2LMHeadModel's parameters: std 0.02, c_proj 0.02/sqrt(2*n_layer), zero biases, unit LayerNorms, as HF's init."""
    model = hf_models[n_layer]
    shapes = {n: tuple(p.shape) for n, p in model.named_parameters()}
    out = lab.gpt2_init(shapes, n_layer, seed=n_layer)
    check_gpt2_dict(out, shapes, n_layer, 0.02, f"gpt2_init with n_layer={n_layer}")
    hf = dict(model.named_parameters())
    for name, w in out.items():  # the same spread as Hugging Face's own initialisation
        ref = hf[name].detach().double()
        if ref.dim() >= 2:
            assert_close(float(w.double().std()), float(ref.std()), atol=0.0, rtol=0.06, what=f"the std of {name} against GPT2LMHeadModel's")
        else:
            check(torch.equal(w, hf[name].detach()), f"{name} should be initialised as GPT2LMHeadModel does")
    projections = [n for n in out if n.endswith("c_proj.weight")]
    check(len(projections) == 2 * n_layer, "every block has two c_proj weights")
    check(not torch.equal(out[projections[0]], out[projections[-1]]), "every parameter needs its own random draw")


@pytest.mark.points(3)
def test_gpt2_init_names_std_seed_and_errors(lab):
    """gpt2_init: nanoGPT/Llama-style names, a custom std, seeding, and ValueError for n_layer < 1 or a 0-d shape."""
    shapes = {
        "transformer.wte.weight": (512, 96), "transformer.wpe.weight": (64, 96),
        "transformer.h.0.attn.c_attn.weight": (288, 96), "transformer.h.0.attn.c_proj.weight": (192, 96),
        "transformer.h.0.mlp.c_proj.weight": (96, 384), "transformer.h.0.mlp.c_proj.bias": (96,),
        "transformer.h.0.norm.weight": (96,), "model.layers.0.input_layernorm.weight": [96],
        "transformer.h.0.mlp.c_fc.bias": (384,), "lm_head.weight": (512, 96), "conv.weight": (16, 32, 9, 9),
    }
    for n_layer, std in ((4, 0.05), (12, 0.02), (2, 0.1)):
        out = lab.gpt2_init(shapes, n_layer=n_layer, std=std, seed=1)
        check_gpt2_dict(out, shapes, n_layer, std, f"gpt2_init(n_layer={n_layer}, std={std})")
    a, b, c = lab.gpt2_init(shapes, 3, seed=7), lab.gpt2_init(shapes, 3, seed=7), lab.gpt2_init(shapes, 3, seed=8)
    check(all(torch.equal(a[n], b[n]) for n in shapes), "gpt2_init: the same seed should give the same tensors")
    check(not torch.equal(a["lm_head.weight"], c["lm_head.weight"]), "gpt2_init: another seed should give other tensors")
    check(torch.equal(lab.gpt2_init(shapes, 3)["conv.weight"], lab.gpt2_init(shapes, 3, seed=0)["conv.weight"]), "gpt2_init: the default seed is 0")
    check_gpt2_dict(lab.gpt2_init(shapes, 6), shapes, 6, 0.02, "gpt2_init with the default std")
    for bad in (0, -2):
        with pytest.raises(ValueError):
            lab.gpt2_init(shapes, bad)
    with pytest.raises(ValueError):
        lab.gpt2_init({"scale": ()}, 2)


@pytest.mark.points(3)
def test_decay_groups_on_gpt2(lab, hf_models):
    """decay_groups on a GPT2LMHeadModel: matrices and embeddings decay, biases and LayerNorm weights do not, in order."""
    model = hf_models[3]
    named = list(model.named_parameters())
    shapes = {n: tuple(p.shape) for n, p in named}
    groups = lab.decay_groups(shapes, 0.1)
    check(isinstance(groups, list) and len(groups) == 2, "decay_groups should return a list of two groups")
    decay = [n for n, p in named if p.dim() >= 2]
    no_decay = [n for n, p in named if p.dim() < 2]
    check(list(groups[0]["params"]) == decay, "the first group should hold the weights with 2 or more dimensions, in model order")
    check(list(groups[1]["params"]) == no_decay, "the second group should hold the biases and LayerNorm parameters, in model order")
    check(any(".ln_1.weight" in n for n in groups[1]["params"]), "LayerNorm weights must not be decayed")
    check("transformer.wte.weight" in groups[0]["params"], "embeddings have 2 dimensions: they are decayed")
    check(groups[0]["weight_decay"] == 0.1 and groups[1]["weight_decay"] == 0.0, "the groups' weight_decay values are wrong")
    check(isinstance(groups[1]["weight_decay"], float), "weight_decay values should be floats")
    check(set(groups[0]) == {"params", "weight_decay"} and set(groups[1]) == {"params", "weight_decay"}, "each group holds 'params' and 'weight_decay'")


@pytest.mark.points(2)
def test_decay_groups_edge_cases(lab):
    """decay_groups: 3-D and 0-d parameters, empty groups kept, integer and zero weight decay, keywords, errors."""
    shapes = {"conv.weight": [4, 3, 5], "conv.bias": [4], "norm.weight": (6,), "temperature": (), "proj.weight": (6, 4)}
    groups = lab.decay_groups(shapes=shapes, weight_decay=1)
    check([list(g["params"]) for g in groups] == [["conv.weight", "proj.weight"], ["conv.bias", "norm.weight", "temperature"]],
          "a 3-D weight decays; biases, norm weights and 0-d scalars do not")
    check(groups[0]["weight_decay"] == 1.0 and isinstance(groups[0]["weight_decay"], float), "weight_decay=1 should become 1.0")
    only_vectors = lab.decay_groups({"a.bias": (3,), "ln.weight": (3,)}, 0.5)
    check(len(only_vectors) == 2 and list(only_vectors[0]["params"]) == [] and list(only_vectors[1]["params"]) == ["a.bias", "ln.weight"],
          "both groups are returned even when one is empty")
    zero = lab.decay_groups({"w": (2, 2), "b": (2,)}, 0.0)
    check(zero[0]["weight_decay"] == 0.0 and zero[1]["weight_decay"] == 0.0 and list(zero[0]["params"]) == ["w"], "weight_decay=0.0 keeps the split")
    check([list(g["params"]) for g in lab.decay_groups({}, 0.1)] == [[], []], "no parameters: two empty groups")
    with pytest.raises(ValueError):
        lab.decay_groups(shapes, -0.01)


# ---- optimisers -----------------------------------------------------------------------------------


def make_params(shapes, seed, dtype=torch.float32, scale=1.0):
    g = gen(seed)
    return [scale * torch.randn(s, generator=g, dtype=dtype) for s in shapes]


def grad_sequence(params, steps, seed, scale=1.0):
    """Random gradients whose size changes from step to step (some steps 10x larger)."""
    g = gen(seed)
    out = []
    for k in range(steps):
        factor = scale * (10.0 if k % 7 == 3 else 1.0) * (1 + 0.5 * math.sin(k))
        out.append([factor * torch.randn(p.shape, generator=g, dtype=p.dtype) for p in params])
    return out


def torch_run(cls, params_or_groups, grads_seq, **kwargs):
    """torch's optimiser on copies: the params after each step, and the optimiser (for its state)."""
    if isinstance(params_or_groups[0], dict):
        groups = [{**g, "params": [torch.nn.Parameter(p.clone()) for p in g["params"]]} for g in params_or_groups]
        flat = [p for g in groups for p in g["params"]]
        opt = cls(groups, **kwargs)
    else:
        flat = [torch.nn.Parameter(p.clone()) for p in params_or_groups]
        opt = cls(flat, **kwargs)
    history = []
    for grads in grads_seq:
        for p, gr in zip(flat, grads):
            p.grad = gr.clone()
        opt.step()
        history.append([p.detach().clone() for p in flat])
    return history, opt, flat


def check_params(actual, expected, what, dtype):
    check(isinstance(actual, (list, tuple)) and len(actual) == len(expected), f"{what}: expected a list of {len(expected)} parameters")
    for i, (a, e) in enumerate(zip(actual, expected)):
        assert_close(a, e, **TOL[dtype], what=f"{what}, parameter {i}")


SHAPES = [(24, 16), (16,), (3, 4, 5), ()]

ADAMW_CASES = {
    "default": dict(kwargs={}, scale=1.0, dtype=torch.float32),
    "large_lr_decay": dict(kwargs=dict(lr=0.05, weight_decay=0.5), scale=1.0, dtype=torch.float32),
    "tiny_grads_eps": dict(kwargs=dict(lr=1e-2, eps=1e-8, weight_decay=0.0), scale=1e-4, dtype=torch.float32),
    "big_eps_betas": dict(kwargs=dict(lr=3e-3, betas=(0.8, 0.95), eps=1e-3, weight_decay=0.1), scale=0.01, dtype=torch.float32),
    "amsgrad": dict(kwargs=dict(lr=1e-2, weight_decay=0.2, amsgrad=True), scale=1.0, dtype=torch.float32),
    "beta1_zero_float64": dict(kwargs=dict(lr=2e-2, betas=(0.0, 0.9), weight_decay=0.3), scale=0.1, dtype=torch.float64),
    "amsgrad_float64": dict(kwargs=dict(lr=0.1, betas=(0.5, 0.6), eps=1e-6, weight_decay=1.0, amsgrad=True), scale=1.0, dtype=torch.float64),
}


@pytest.mark.parametrize("case", list(ADAMW_CASES))
@pytest.mark.points(2)
def test_adamw_step_matches_torch(lab, case):
    """adamw_step equals torch.optim.AdamW step by step for 100 steps, the returned state (step, moments) included."""
    spec = ADAMW_CASES[case]
    dtype, kwargs = spec["dtype"], spec["kwargs"]
    params = make_params(SHAPES, 1, dtype)
    grads_seq = grad_sequence(params, 100, 2, spec["scale"])
    history, opt, flat = torch_run(torch.optim.AdamW, params, grads_seq, **kwargs)
    state, current = {}, params
    for k, grads in enumerate(grads_seq):
        current, state = lab.adamw_step(current, grads, state, **kwargs)
        if k in (0, 1, 9, 99):
            check_params(current, history[k], f"adamw_step ({case}) after {k + 1} steps", dtype)
            check(isinstance(state, dict) and state.get("step") == k + 1, f"adamw_step ({case}): state['step'] should be {k + 1} after {k + 1} steps")
    keys = {"step", "exp_avg", "exp_avg_sq"} | ({"max_exp_avg_sq"} if kwargs.get("amsgrad") else set())
    check(set(state) == keys, f"adamw_step ({case}): the state should have the keys {sorted(keys)}")
    check(type(state["step"]) is int, "state['step'] should be a Python int")
    for key in sorted(keys - {"step"}):
        for i, p in enumerate(flat):
            assert_close(state[key][i], opt.state[p][key], **TOL[dtype], what=f"adamw_step ({case}): state[{key!r}][{i}]")


@pytest.mark.points(2)
def test_adamw_step_defaults_and_inputs_unchanged(lab):
    """adamw_step: torch's defaults (lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2); its arguments are not modified."""
    params = make_params(SHAPES, 3, scale=5.0)
    grads_seq = grad_sequence(params, 3, 4, 1e-3)
    history, _, _ = torch_run(torch.optim.AdamW, params, grads_seq)
    kept_p, kept_g = [p.clone() for p in params], [g.clone() for g in grads_seq[0]]
    current, state = lab.adamw_step(params=params, grads=grads_seq[0], state={})
    check_params(current, history[0], "adamw_step with the default hyperparameters, called with keywords", torch.float32)
    check(all(torch.equal(a, b) for a, b in zip(params, kept_p)) and all(torch.equal(a, b) for a, b in zip(grads_seq[0], kept_g)),
          "adamw_step must not modify the parameters or gradients it is given")
    kept_state = {k: ([t.clone() for t in v] if isinstance(v, list) else v) for k, v in state.items()}
    current2, state2 = lab.adamw_step(current, grads_seq[1], state)
    check(state["step"] == kept_state["step"] and all(torch.equal(a, b) for a, b in zip(state["exp_avg"], kept_state["exp_avg"])),
          "adamw_step must not modify the state it is given")
    again, _ = lab.adamw_step(current, grads_seq[1], state)
    check(all(torch.equal(a, b) for a, b in zip(again, current2)), "adamw_step called twice with the same state should give the same result")
    check_params(current2, history[1], "adamw_step, second step with the default hyperparameters", torch.float32)
    many = make_params([(2,)] * 300, 30)  # more parameters than Python's cached small ints
    grads_many = grad_sequence(many, 2, 31)
    history, _, _ = torch_run(torch.optim.AdamW, many, grads_many, lr=0.1)
    out, state = lab.adamw_step(many, grads_many[0], {}, lr=0.1)
    out, state = lab.adamw_step(out, grads_many[1], state, lr=0.1)
    check_params(out, history[1], "adamw_step over 300 parameters", torch.float32)
    opt = lab.AdamW(many, lr=0.1)
    opt.step(grads_many[0])
    check_params(opt.step(grads_many[1]), history[1], "AdamW over 300 parameters", torch.float32)


@pytest.mark.points(2)
def test_adamw_step_errors(lab):
    """adamw_step raises ValueError for negative lr/eps/weight_decay, betas outside [0, 1) and mismatched gradients."""
    params = make_params([(3, 2), (2,)], 5)
    grads = grad_sequence(params, 1, 6)[0]
    out, state = lab.adamw_step(params, grads, {}, lr=0.0, eps=0.0, weight_decay=0.0, betas=(0.0, 0.0))
    check(all(torch.equal(a, b) for a, b in zip(out, params)), "lr=0 should leave the parameters unchanged")
    bad = [dict(lr=-1e-3), dict(eps=-1e-8), dict(weight_decay=-0.1), dict(betas=(1.0, 0.9)), dict(betas=(0.9, 1.0)),
           dict(betas=(-0.1, 0.9)), dict(betas=(0.9, -0.5)),
           dict(betas=(1.5, 0.9)), dict(betas=(0.9, 2.0))]
    for kwargs in bad:
        with pytest.raises(ValueError):
            lab.adamw_step(params, grads, {}, **kwargs)
    with pytest.raises(ValueError):
        lab.adamw_step(params, grads[:1], {})
    with pytest.raises(ValueError):
        lab.adamw_step(params, [grads[0], torch.zeros(3)], {})


SGD_CASES = {
    "plain": dict(lr=0.1),
    "weight_decay_only": dict(lr=0.05, weight_decay=0.2),
    "momentum": dict(lr=0.05, momentum=0.9),
    "momentum_dampening": dict(lr=0.05, momentum=0.8, dampening=0.5),
    "full_dampening": dict(lr=0.05, momentum=0.5, dampening=1.0, weight_decay=0.1),
    "nesterov": dict(lr=0.02, momentum=0.9, nesterov=True),
    "nesterov_decay": dict(lr=0.03, momentum=0.7, nesterov=True, weight_decay=0.3),
    "everything_float64": dict(lr=0.01, momentum=0.95, dampening=0.1, weight_decay=0.05, dtype=torch.float64),
    "nesterov_float64": dict(lr=0.01, momentum=0.6, nesterov=True, weight_decay=0.5, dtype=torch.float64),
}


@pytest.mark.parametrize("case", list(SGD_CASES))
@pytest.mark.points(1)
def test_sgd_step_matches_torch(lab, case):
    """sgd_step equals torch.optim.SGD step by step for 100 steps, the momentum buffers in the returned state included."""
    kwargs = dict(SGD_CASES[case])
    dtype = kwargs.pop("dtype", torch.float32)
    params = make_params(SHAPES, 7, dtype)
    grads_seq = grad_sequence(params, 100, 8, 0.1)
    history, opt, flat = torch_run(torch.optim.SGD, params, grads_seq, **kwargs)
    state, current = {}, params
    for k, grads in enumerate(grads_seq):
        current, state = lab.sgd_step(current, grads, state, **kwargs)
        if k in (0, 1, 2, 9, 99):
            check_params(current, history[k], f"sgd_step ({case}) after {k + 1} steps", dtype)
    if kwargs.get("momentum", 0) == 0:
        check(state == {}, f"sgd_step ({case}): without momentum the state should be {{}}")
    else:
        check(set(state) == {"momentum_buffer"}, f"sgd_step ({case}): the state should hold 'momentum_buffer' only")
        for i, p in enumerate(flat):
            assert_close(state["momentum_buffer"][i], opt.state[p]["momentum_buffer"], **TOL[dtype], what=f"sgd_step ({case}): momentum_buffer[{i}]")


@pytest.mark.points(2)
def test_sgd_step_defaults_inputs_and_errors(lab):
    """sgd_step: default lr 1e-3 and no momentum; arguments unchanged; ValueError for bad hyperparameters and Nesterov misuse."""
    params = make_params([(5, 4), (4,)], 9)
    grads = grad_sequence(params, 2, 10)
    history, _, _ = torch_run(torch.optim.SGD, params, grads)
    kept = [p.clone() for p in params]
    out, state = lab.sgd_step(params=params, grads=grads[0], state={})
    check_params(out, history[0], "sgd_step with the defaults, called with keywords", torch.float32)
    check(state == {} and all(torch.equal(a, b) for a, b in zip(params, kept)), "sgd_step with the defaults: state {} and inputs unchanged")
    _, state = lab.sgd_step(params, grads[0], {}, lr=0.1, momentum=0.9)
    kept_buf = [b.clone() for b in state["momentum_buffer"]]
    lab.sgd_step(out, grads[1], state, lr=0.1, momentum=0.9)
    check(all(torch.equal(a, b) for a, b in zip(state["momentum_buffer"], kept_buf)), "sgd_step must not modify the state it is given")
    lab.sgd_step(params, grads[0], {}, lr=0.1, momentum=0.5, nesterov=True)
    frozen, state = lab.sgd_step(params, grads[0], {}, lr=0.0, momentum=0.9, weight_decay=0.5)
    check(all(torch.equal(a, b) for a, b in zip(frozen, params)), "lr=0 should leave the parameters unchanged")
    assert_close(state["momentum_buffer"][0], grads[0][0] + 0.5 * params[0], atol=1e-6, rtol=1e-6,
                 what="the first momentum buffer (the gradient plus weight decay, not dampened)")
    for kwargs in (dict(lr=-0.1), dict(momentum=-0.9), dict(dampening=-0.1, momentum=0.9), dict(weight_decay=-1.0),
                   dict(nesterov=True), dict(nesterov=True, momentum=0.9, dampening=0.1)):
        with pytest.raises(ValueError):
            lab.sgd_step(params, grads[0], {}, **kwargs)
    with pytest.raises(ValueError):
        lab.sgd_step(params, grads[0] + [torch.zeros(1)], {})
    with pytest.raises(ValueError):
        lab.sgd_step(params, [torch.zeros(4, 5), grads[0][1]], {})


@pytest.mark.points(5)
def test_adamw_class_gpt2_groups_matches_torch(lab):
    """AdamW with decay / no-decay groups over a GPT-2's parameters equals torch.optim.AdamW for 100 steps."""
    model = tiny_gpt2(2, n_embd=32, vocab=64, n_positions=16, seed=3)
    names = [n for n, _ in model.named_parameters()]
    shapes = {n: tuple(p.shape) for n, p in model.named_parameters()}
    split = lab.decay_groups(shapes, 0.3)
    by_name = dict(zip(names, [p.detach().clone() for p in model.parameters()]))
    groups = [{"params": [by_name[n] for n in g["params"]], "weight_decay": g["weight_decay"]} for g in split]
    check(len(groups[1]["params"]) > 0 and len(groups[0]["params"]) > 0, "decay_groups should split GPT-2's parameters")
    flat = [p for g in groups for p in g["params"]]
    grads_seq = grad_sequence(flat, 100, 21, 0.05)
    kwargs = dict(lr=3e-2, betas=(0.9, 0.95), eps=1e-8)
    history, _, _ = torch_run(torch.optim.AdamW, groups, grads_seq, **kwargs)
    opt = lab.AdamW(groups, **kwargs)
    for k, grads in enumerate(grads_seq):
        out = opt.step(grads)
        if k in (0, 49, 99):
            check_params(out, history[k], f"AdamW over GPT-2 groups after {k + 1} steps", torch.float32)


@pytest.mark.points(3)
def test_adamw_class_group_overrides(lab):
    """AdamW: per-group lr, betas, eps, weight_decay and amsgrad override the defaults; each group keeps its own state."""
    a, b, c = make_params([(6, 5), (5,), (2, 3, 2)], 22, torch.float64)
    groups = [{fresh("params"): [a], fresh("lr"): 0.05, "weight_decay": 0.4},
              {"params": [b], "weight_decay": 0.0, "betas": (0.5, 0.9)},
              {"params": [c], "amsgrad": True, "eps": 1e-4}]
    grads_seq = grad_sequence([a, b, c], 100, 23, 0.5)
    kwargs = dict(lr=1e-2, weight_decay=0.1)
    history, _, _ = torch_run(torch.optim.AdamW, groups, grads_seq, **kwargs)
    opt = lab.AdamW(groups, **kwargs)
    for k, grads in enumerate(grads_seq):
        out = opt.step(grads)
        if k in (0, 1, 99):
            check_params(out, history[k], f"AdamW with per-group settings after {k + 1} steps", torch.float64)
    check(torch.equal(groups[0]["params"][0], a), "AdamW must not modify the tensors it is given")


@pytest.mark.points(3)
def test_sgd_class_groups_match_torch(lab):
    """SGD with groups (momentum, dampening, Nesterov, weight decay per group) equals torch.optim.SGD for 100 steps."""
    params = make_params([(8, 6), (6,), (4, 4), (3,)], 24)
    groups = [{"params": params[:2], "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
              {"params": params[2:3], "dampening": 0.5, "lr": 0.02},
              {"params": params[3:]}]
    grads_seq = grad_sequence(params, 100, 25, 0.2)
    kwargs = dict(lr=0.05, momentum=0.8)
    history, _, _ = torch_run(torch.optim.SGD, groups, grads_seq, **kwargs)
    opt = lab.SGD(groups, **kwargs)
    for k, grads in enumerate(grads_seq):
        out = opt.step(grads)
        if k in (0, 1, 2, 99):
            check_params(out, history[k], f"SGD with groups after {k + 1} steps", torch.float32)


@pytest.mark.points(2)
def test_optimizer_classes_plain_lists_and_defaults(lab):
    """SGD and AdamW take a plain list of tensors; their defaults are torch's; state persists across step calls."""
    params = make_params([(7, 3), (3,)], 26)
    grads_seq = grad_sequence(params, 20, 27)
    for name, cls, kwargs in (("SGD", torch.optim.SGD, {}), ("AdamW", torch.optim.AdamW, {}),
                              ("SGD", torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.2)),
                              ("AdamW", torch.optim.AdamW, dict(lr=0.1, amsgrad=True))):
        history, _, _ = torch_run(cls, params, grads_seq, **kwargs)
        opt = getattr(lab, name)(params, **kwargs)
        for k, grads in enumerate(grads_seq):
            out = opt.step(grads=grads)
        check_params(out, history[-1], f"{name}({kwargs}) after 20 steps", torch.float32)
    every = dict(lr=0.2, momentum=0.5, dampening=0.25, weight_decay=0.1, nesterov=False)
    history, _, _ = torch_run(torch.optim.SGD, [{"params": params, **every}], grads_seq[:3], lr=1.0)
    opt = lab.SGD([{"params": params, **every}], lr=1.0)
    for grads in grads_seq[:3]:
        out = opt.step(grads)
    check_params(out, history[-1], "SGD with a group that sets every hyperparameter", torch.float32)
    every = dict(lr=0.2, betas=(0.5, 0.7), eps=1e-5, weight_decay=0.1, amsgrad=True)
    history, _, _ = torch_run(torch.optim.AdamW, [{"params": params, **every}], grads_seq[:3], lr=1.0)
    opt = lab.AdamW([{"params": params, **every}], lr=1.0)
    for grads in grads_seq[:3]:
        out = opt.step(grads)
    check_params(out, history[-1], "AdamW with a group that sets every hyperparameter", torch.float32)
    opt = lab.SGD(params, 0.1, 0.9, 0.0, 0.0, True)
    history, _, _ = torch_run(torch.optim.SGD, params, grads_seq[:3], lr=0.1, momentum=0.9, nesterov=True)
    for grads in grads_seq[:3]:
        out = opt.step(grads)
    check_params(out, history[-1], "SGD(params, 0.1, 0.9, 0.0, 0.0, True) (positional arguments)", torch.float32)
    opt = lab.AdamW(params, 0.1, (0.8, 0.9), 1e-6, 0.5, True)
    history, _, _ = torch_run(torch.optim.AdamW, params, grads_seq[:3], lr=0.1, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.5, amsgrad=True)
    for grads in grads_seq[:3]:
        out = opt.step(grads)
    check_params(out, history[-1], "AdamW(params, 0.1, (0.8, 0.9), 1e-6, 0.5, True) (positional arguments)", torch.float32)


@pytest.mark.points(2)
def test_optimizer_classes_errors(lab):
    """SGD and AdamW raise ValueError for empty params, bad groups, bad hyperparameters and a wrong number of gradients."""
    params = make_params([(3, 2), (2,)], 28)
    for name, bad in (("SGD", dict(lr=-1.0)), ("SGD", dict(nesterov=True)), ("AdamW", dict(betas=(0.9, 1.5))), ("AdamW", dict(eps=-1.0))):
        opt = getattr(lab, name)(params, lr=0.1)
        check(len(opt.step([torch.ones(3, 2), torch.ones(2)])) == 2, f"{name}.step should return one tensor per parameter")
        with pytest.raises(ValueError):
            opt.step([torch.ones(3, 2)])
        with pytest.raises(ValueError):
            opt.step([torch.ones(3, 2), torch.ones(2), torch.ones(2)])
        with pytest.raises(ValueError):
            getattr(lab, name)(params, **bad)
        with pytest.raises(ValueError):
            getattr(lab, name)([{"params": params[:1]}, {"params": params[1:], **bad}])
        with pytest.raises(ValueError):
            getattr(lab, name)([])
        with pytest.raises(ValueError):
            getattr(lab, name)([{"params": params, "momentum_typo": 0.9}])
        with pytest.raises(ValueError):
            getattr(lab, name)([{"weight_decay": 0.0}])
