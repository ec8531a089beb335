"""Hidden tests for lab 13 (recurrent language models).

The oracles are ``torch.nn.RNNCell`` / ``LSTMCell`` / ``RNN`` / ``LSTM``
(batch first) loaded with random weights and biases, a language model built
from ``nn.Embedding``, ``nn.RNN``/``nn.LSTM`` and ``nn.Linear`` with the
same ``state_dict`` keys as the student's, and ``F.cross_entropy``.
Sampling is checked for determinism, for greedy behaviour at low
temperature and statistically against the softmax distribution, never
against a particular random-number order.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.testing import assert_close, assert_equal, check

F32 = dict(atol=1e-5, rtol=1e-5)
F64 = dict(atol=1e-10, rtol=1e-10)
F64_GRAD = dict(atol=1e-9, rtol=1e-8)

B, T, I, H = 3, 6, 5, 4  # batch, time steps, input features, hidden size
V, E = 7, 6  # vocabulary size and embedding size of the language models
PARAMS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def randint(high: int, *shape: int, seed: int) -> torch.Tensor:
    return torch.randint(high, shape, generator=torch.Generator().manual_seed(seed))


def randomise(module: nn.Module, seed: int, scale: float = 0.6) -> nn.Module:
    """Fill every parameter with scaled normal noise (biases too, so that a missing bias shows)."""
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            p.copy_(randn(*p.shape, seed=seed + i, dtype=p.dtype) * scale)
    return module


def oracle_layer(kind: str, *, bias: bool = True, dtype=torch.float32, seed: int = 0) -> nn.Module:
    cls = nn.RNN if kind == "rnn" else nn.LSTM
    return randomise(cls(I, H, bias=bias, batch_first=True, dtype=dtype), seed)


def student_layer(lab, kind: str, sd: dict, *, bias: bool = True, double: bool = False):
    m = (lab.RNN if kind == "rnn" else lab.LSTM)(I, H, bias=bias)
    if double:
        m.double()
    m.load_state_dict(sd)
    return m


class OracleLM(nn.Module):
    """The language model with torch's recurrent layers, under the student's state_dict keys."""

    def __init__(self, cell: str, hidden: int = H) -> None:
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.rnn = (nn.RNN if cell == "rnn" else nn.LSTM)(E, hidden, batch_first=True)
        self.head = nn.Linear(hidden, V)

    def forward(self, tokens, state=None):
        out, state = self.rnn(self.embedding(tokens), state)
        return self.head(out), state


def oracle_lm(cell: str, seed: int) -> OracleLM:
    return randomise(OracleLM(cell), seed, scale=0.5)


def student_lm(lab, cell: str, oracle: OracleLM):
    m = lab.RNNLanguageModel(V, E, H, cell=cell)
    m.load_state_dict(oracle.state_dict())
    return m


def as_state_list(state) -> list:
    return list(state) if isinstance(state, (tuple, list)) else [state]


# ---- one step -------------------------------------------------------------------------------------


def cell_weights(cell: nn.Module) -> tuple:
    return tuple(p.detach() for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh))


@pytest.mark.points(3)
def test_rnn_cell_matches_torch(lab):
    """rnn_cell computes tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) like nn.RNNCell, with and without biases."""
    cell = randomise(nn.RNNCell(I, H), seed=1)
    x, h = randn(B, I, seed=2), randn(B, H, seed=3)
    w_ih, w_hh, b_ih, b_hh = cell_weights(cell)
    assert_close(lab.rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh), cell(x, h).detach(), **F32, what="rnn_cell with biases")
    no_bias = torch.tanh(x @ w_ih.T + h @ w_hh.T)
    assert_close(lab.rnn_cell(x, h, w_ih, w_hh), no_bias, **F32, what="rnn_cell without biases")


@pytest.mark.points(3)
def test_lstm_cell_matches_torch(lab):
    """lstm_cell gives nn.LSTMCell's (h', c') with gate order i, f, g, o and both biases."""
    cell = randomise(nn.LSTMCell(I, H), seed=4)
    x, h, c = randn(B, I, seed=5), randn(B, H, seed=6), randn(B, H, seed=7)
    result = lab.lstm_cell(x, h, c, *cell_weights(cell))
    check(isinstance(result, (tuple, list)) and len(result) == 2, "lstm_cell should return a tuple (h, c)")
    expected_h, expected_c = (t.detach() for t in cell(x, (h, c)))
    assert_close(result[0], expected_h, **F32, what="the new hidden state h")
    assert_close(result[1], expected_c, **F32, what="the new cell state c")


# ---- layers ---------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_parameters_named_like_torch(lab):
    """RNN and LSTM have nn.RNN / nn.LSTM's layer-0 parameter names and shapes (bias on and off)."""
    for kind, torch_cls, student_cls in (("RNN", nn.RNN, lab.RNN), ("LSTM", nn.LSTM, lab.LSTM)):
        for bias in (True, False):
            expected = {k: tuple(v.shape) for k, v in torch_cls(I, H, bias=bias).state_dict().items()}
            sd = student_cls(I, H, bias=bias).state_dict()
            check(set(sd) == set(expected), f"{kind}(bias={bias}) state_dict keys differ from torch's")
            check({k: tuple(v.shape) for k, v in sd.items()} == expected, f"{kind}(bias={bias}) parameter shapes are wrong")
            check(all(bool(torch.isfinite(v).all()) for v in sd.values()), f"{kind}: non-finite parameters at init")


def compare_layer(lab, kind: str, with_state: bool, seed: int) -> None:
    oracle = oracle_layer(kind, seed=seed)
    m = student_layer(lab, kind, oracle.state_dict())
    x = randn(B, T, I, seed=seed + 10)
    state = None
    if with_state:
        h0 = randn(1, B, H, seed=seed + 11)
        state = h0 if kind == "rnn" else (h0, randn(1, B, H, seed=seed + 12))
    expected_out, expected_state = oracle(x, state)
    result = m(x, state)
    check(isinstance(result, (tuple, list)) and len(result) == 2, "forward should return (output, state)")
    out, got_state = result
    assert_close(out, expected_out.detach(), **F32, what=f"{kind} output over the sequence")
    got, expected = as_state_list(got_state), as_state_list(expected_state)
    check(len(got) == len(expected), f"{kind} final state should be {'h_n' if kind == 'rnn' else '(h_n, c_n)'}")
    for name, g, e in zip(("h_n", "c_n"), got, expected):
        assert_close(g, e.detach(), **F32, what=f"{kind} final {name} (shape (1, B, H))")


LAYER_CASES = {"zero_state": (False, 2), "given_state": (True, 2)}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(p)) for c, (_, p) in LAYER_CASES.items()])
def test_rnn_matches_torch(lab, case):
    """RNN with nn.RNN's weights (batch first) gives its output and h_n, from zeros and from a given h0."""
    compare_layer(lab, "rnn", LAYER_CASES[case][0], seed=20)


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(p)) for c, (_, p) in LAYER_CASES.items()])
def test_lstm_matches_torch(lab, case):
    """LSTM with nn.LSTM's weights (batch first) gives its output, h_n and c_n, from zeros and from a given (h0, c0)."""
    compare_layer(lab, "lstm", LAYER_CASES[case][0], seed=30)


@pytest.mark.points(2)
def test_layers_without_bias(lab):
    """RNN(bias=False) and LSTM(bias=False) match torch's bias-free layers."""
    x = randn(B, T, I, seed=40)
    for kind in ("rnn", "lstm"):
        oracle = oracle_layer(kind, bias=False, seed=41)
        m = student_layer(lab, kind, oracle.state_dict(), bias=False)
        assert_close(m(x)[0], oracle(x)[0].detach(), **F32, what=f"{kind} output without biases")


def oracle_grads(oracle: nn.Module, x, state, g):
    x = x.clone().requires_grad_(True)
    oracle.zero_grad()
    out, _ = oracle(x, state)
    out.backward(g)
    return out.detach(), x.grad, {n: p.grad for n, p in oracle.named_parameters()}


@pytest.mark.parametrize("kind", [pytest.param("rnn", marks=pytest.mark.points(2)), pytest.param("lstm", marks=pytest.mark.points(3))])
def test_gradients_match_torch(lab, kind):
    """Back-propagation through time (float64): input and parameter gradients match nn.RNN / nn.LSTM."""
    oracle = oracle_layer(kind, dtype=torch.float64, seed=50)
    m = student_layer(lab, kind, oracle.state_dict(), double=True)
    x, g = randn(B, T, I, seed=51, dtype=torch.float64), randn(B, T, H, seed=52, dtype=torch.float64)
    result = lab.vjp(m, x, grad_output=(g, None), wrt=(0,), params=True)
    expected_out, expected_x_grad, expected_params = oracle_grads(oracle, x, None, g)
    out = result.output[0] if isinstance(result.output, (tuple, list)) else result.output
    assert_close(out, expected_out, **F64, what="output (float64)")
    assert_close(result.grads[0], expected_x_grad, **F64_GRAD, what="the gradient for the input x")
    check(set(result.param_grads) == set(PARAMS), "the parameters are not named weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0")
    for name in PARAMS:
        assert_close(result.param_grads[name], expected_params[name], **F64_GRAD, what=f"the gradient for {name}")


# ---- the language model ---------------------------------------------------------------------------


@pytest.mark.parametrize("cell", [pytest.param("rnn", marks=pytest.mark.points(2)), pytest.param("lstm", marks=pytest.mark.points(2))])
def test_language_model_matches_torch(lab, cell):
    """RNNLanguageModel loads an embedding + nn.RNN/nn.LSTM + linear head state_dict and gives its logits and state."""
    oracle = oracle_lm(cell, seed=60)
    m = student_lm(lab, cell, oracle)
    tokens = randint(V, B, T, seed=61)
    expected_logits, expected_state = oracle(tokens)
    logits, state = m(tokens)
    assert_close(logits, expected_logits.detach(), **F32, what=f"logits ({cell})")
    # continuing from the returned state equals running the whole sequence at once
    more = randint(V, B, 4, seed=62)
    expected_more = oracle(torch.cat([tokens, more], dim=1))[0][:, T:]
    assert_close(m(more, state)[0], expected_more.detach(), **F32, what=f"logits continued from the returned state ({cell})")


# ---- truncated BPTT -------------------------------------------------------------------------------


def oracle_tbptt(oracle: OracleLM, tokens: torch.Tensor, window: int, state=None):
    """Per-window losses with the state detached between windows, the final state, and the gradient of their sum."""
    oracle.zero_grad()
    losses, n = [], tokens.shape[1] - 1
    for s in range(0, n, window):
        e = min(s + window, n)
        logits, state = oracle(tokens[:, s:e], state)
        losses.append(F.cross_entropy(logits.flatten(0, 1), tokens[:, s + 1 : e + 1].flatten()))
        state = tuple(t.detach() for t in state) if isinstance(state, tuple) else state.detach()
    total = torch.stack(losses)
    total.sum().backward()
    return total.detach(), state, {name: p.grad for name, p in oracle.named_parameters()}


@pytest.mark.parametrize(
    "window",
    [pytest.param(4, marks=pytest.mark.points(2), id="partial_last_window"), pytest.param(5, marks=pytest.mark.points(2), id="exact_windows")],
)
def test_tbptt_losses_match_torch(lab, window):
    """tbptt_losses (LSTM model, float64): per-window mean losses, the final state and the gradient of detached windows."""
    oracle = randomise(OracleLM("lstm").double(), seed=70, scale=0.5)
    m = lab.RNNLanguageModel(V, E, H, cell="lstm")
    m.double()
    m.load_state_dict(oracle.state_dict())
    tokens = randint(V, 2, 16, seed=71)  # 15 input positions
    expected_losses, expected_state, expected_params = oracle_tbptt(oracle, tokens, window)
    n_windows = math.ceil(15 / window)
    ones = torch.ones(n_windows, dtype=torch.float64)
    result = lab.vjp(m.tbptt_losses, tokens, window, grad_output=(ones, None), wrt=(), params=True)
    losses, state = result.output
    assert_close(losses, expected_losses, **F64, what=f"the per-window losses (window={window})")
    got_state = as_state_list(state)
    check(len(got_state) == 2, "the final state of an LSTM model should be (h, c)")
    for name, got, expected in zip(("h", "c"), got_state, expected_state):
        assert_close(got, expected, **F64, what=f"the final state {name}")
    for name, expected in expected_params.items():
        check(name in result.param_grads, f"the model has no parameter {name}")
        assert_close(result.param_grads[name], expected, **F64_GRAD, what=f"the gradient of the summed window losses for {name}")


@pytest.mark.points(3)
def test_tbptt_state_detached_between_windows(lab):
    """Only the first window's loss depends on the initial state: later windows start from a detached state."""
    m = lab.RNNLanguageModel(V, E, H, cell="rnn")
    m.double()
    m.load_state_dict(randomise(OracleLM("rnn").double(), seed=80).state_dict())
    tokens = randint(V, 2, 13, seed=81)  # 12 input positions: 3 windows of 4
    h0 = randn(1, 2, H, seed=82, dtype=torch.float64)
    for w in range(3):
        grad_output = (F.one_hot(torch.tensor(w), 3).double(), None)
        result = lab.vjp(m.tbptt_losses, tokens, 4, h0, grad_output=grad_output, wrt=(2,), params=True)
        g = result.grads[0]
        depends = g is not None and bool(g.abs().max() > 1e-12)
        if w == 0:
            check(depends, "the first window's loss should depend on the initial state")
        else:
            check(not depends, f"the loss of window {w} depends on the initial state: detach the state between windows")
        for name in ("rnn.weight_hh_l0", "head.weight"):
            check(result.param_grads.get(name) is not None, f"window {w}'s loss has no gradient for {name}")


@pytest.mark.points(3)
def test_train_tbptt_overfits_tiny_corpus(lab):
    """train_tbptt drives an LSTM model's loss on a tiny corpus far down in 40 steps; its perplexity is near 1."""
    text = "the cat sat on the mat. the dog sat on the log. " * 2
    vocab = sorted(set(text))
    tokens = torch.tensor([[vocab.index(ch) for ch in text]])  # (1, 96): 5 windows of 19
    lab.manual_seed(0)
    m = lab.RNNLanguageModel(len(vocab), 16, 32, cell="lstm")
    losses = lab.train_tbptt(m, tokens, 19, epochs=8, lr=0.05)
    check(isinstance(losses, list) and len(losses) == 40, "train_tbptt should return one loss per window step (epochs * windows)")
    check(all(isinstance(x, float) and math.isfinite(x) for x in losses), "the losses should be finite floats")
    check(sum(losses[:5]) / 5 > 1.5, "the first epoch's losses are too small for an untrained model")
    check(sum(losses[-5:]) / 5 < 0.6, "the last epoch's mean loss should fall below 0.6")
    logits, _ = m(tokens[:, :-1])
    ppl = math.exp(F.cross_entropy(logits.flatten(0, 1).double(), tokens[0, 1:]).item())
    check(ppl < 1.8, "after training, the perplexity on the corpus should be below 1.8")


# ---- perplexity -----------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_perplexity_matches_cross_entropy(lab):
    """perplexity is exp of the mean natural-log NLL per token, for (N, V) and (B, T, V) logits."""
    cases = [
        (randn(10, V, seed=90) * 2, randint(V, 10, seed=91)),
        (randn(2, 5, 11, seed=92), randint(11, 2, 5, seed=93)),
        (randn(1, V, seed=94), randint(V, 1, seed=95)),
    ]
    for logits, targets in cases:
        expected = math.exp(F.cross_entropy(logits.reshape(-1, logits.shape[-1]).double(), targets.reshape(-1)).item())
        got = lab.perplexity(logits, targets)
        check(isinstance(got, float), "perplexity should return a Python float")
        assert_close(got, expected, atol=0, rtol=1e-5, what=f"perplexity for logits of shape {tuple(logits.shape)}")


@pytest.mark.points(1)
def test_perplexity_of_uniform_logits_is_vocab_size(lab):
    """Uniform logits over V tokens have perplexity V, whatever the number of tokens."""
    for v, n in ((5, 40), (32, 3)):
        assert_close(lab.perplexity(torch.zeros(n, v), randint(v, n, seed=n)), float(v), atol=0, rtol=1e-5, what=f"perplexity of uniform logits (V={v})")


# ---- temperature and sampling ---------------------------------------------------------------------


@pytest.mark.points(2)
def test_temperature_probs(lab):
    """temperature_probs is softmax(logits / T) for T in {0.5, 1, 2.5}, and one-hot at the argmax for T = 0."""
    logits = randn(4, V, seed=100) * 2
    for t in (0.5, 1.0, 2.5):
        assert_close(lab.temperature_probs(logits, t), torch.softmax(logits / t, dim=-1), **F32, what=f"probabilities at temperature {t}")
    assert_close(lab.temperature_probs(logits, 0.0), F.one_hot(logits.argmax(-1), V).float(), atol=0, rtol=0, what="probabilities at temperature 0")


def frequencies(samples: torch.Tensor, v: int) -> torch.Tensor:
    return torch.bincount(samples.flatten(), minlength=v).double() / samples.numel()


@pytest.mark.parametrize("temperature", [pytest.param(t, marks=pytest.mark.points(1)) for t in (1.0, 0.5, 2.0)])
def test_sample_next_follows_softmax(lab, temperature):
    """sample_next's draws over 20000 rows have the frequencies of softmax(logits / T) (within 5 standard errors)."""
    logits = torch.tensor([1.5, 0.2, -0.7, 0.9, -2.0, 0.0])
    n = 20000
    samples = lab.sample_next(logits.expand(n, -1).contiguous(), temperature, seed=101)
    check(tuple(samples.shape) == (n,) and samples.dtype == torch.int64, "sample_next on (B, V) logits should return (B,) int64 ids")
    p = torch.softmax(logits.double() / temperature, dim=-1)
    tolerance = 5 * torch.sqrt(p * (1 - p) / n) + 1e-3
    check(bool(((frequencies(samples, 6) - p).abs() <= tolerance).all()), f"the sample frequencies at temperature {temperature} do not follow softmax(logits / T)")


@pytest.mark.points(2)
def test_sample_next_is_seeded(lab):
    """sample_next gives the same draws for the same seed and different draws for another seed."""
    logits = randn(300, V, seed=102)
    a, b, c = lab.sample_next(logits, 1.0, seed=7), lab.sample_next(logits, 1.0, seed=7), lab.sample_next(logits, 1.0, seed=8)
    assert_close(a, b, atol=0, rtol=0, what="draws with the same seed")
    check(not torch.equal(torch.as_tensor(a), torch.as_tensor(c)), "two seeds gave identical draws for 300 rows")


@pytest.mark.points(2)
def test_low_temperature_is_argmax(lab):
    """At temperature 0 and 1e-3, sample_next returns the argmax of every row."""
    logits = randn(50, V, seed=103) * 3
    for t in (0.0, 1e-3):
        assert_close(lab.sample_next(logits, t, seed=5), logits.argmax(-1), atol=0, rtol=0, what=f"draws at temperature {t}")
    single = lab.sample_next(logits[0], 0.0, seed=5)
    check(tuple(torch.as_tensor(single).shape) == (), "sample_next on (V,) logits should return a 0-d tensor")


def oracle_greedy(oracle: OracleLM, prompt: list[int], n: int) -> list[int]:
    tokens = list(prompt)
    with torch.no_grad():
        for _ in range(n):
            tokens.append(int(oracle(torch.tensor([tokens]))[0][0, -1].argmax()))
    return tokens[len(prompt) :]


@pytest.mark.points(2)
def test_generate_greedy_matches_torch(lab):
    """generate at temperature 0 and 1e-4 is greedy decoding of the torch model (new tokens only, as ints)."""
    oracle = randomise(OracleLM("lstm"), seed=110, scale=1.0)
    m = student_lm(lab, "lstm", oracle)
    prompt = [1, 4, 2]
    expected = oracle_greedy(oracle, prompt, 12)
    for t in (0.0, 1e-4):
        got = lab.generate(m, prompt, 12, temperature=t, seed=3)
        check(isinstance(got, list) and all(isinstance(x, int) for x in got), "generate should return a list of ints")
        assert_equal(got, expected, what=f"greedy continuation (temperature {t})")
    assert_equal(lab.generate(m, prompt, 0, seed=3), [], what="generate with num_tokens=0")


@pytest.mark.points(2)
def test_generate_is_seeded(lab):
    """generate returns the same tokens for the same seed; other seeds give other continuations."""
    oracle = randomise(OracleLM("rnn"), seed=120, scale=0.3)
    m = student_lm(lab, "rnn", oracle)
    a = lab.generate(m, [0, 3], 20, temperature=1.5, seed=11)
    b = lab.generate(m, [0, 3], 20, temperature=1.5, seed=11)
    others = [lab.generate(m, [0, 3], 20, temperature=1.5, seed=s) for s in (12, 13)]
    check(len(a) == 20, "generate should return num_tokens tokens")
    assert_equal(a, b, what="continuations with the same seed")
    check(any(o != a for o in others), "other seeds gave the same continuation")


@pytest.mark.points(2)
def test_generate_first_token_follows_model(lab):
    """Over 1500 seeds, generate's first token has the frequencies of softmax(last logits / T) (T = 0.7)."""
    oracle = randomise(OracleLM("lstm"), seed=130, scale=0.5)
    m = student_lm(lab, "lstm", oracle)
    prompt, t, n = [2, 5, 1, 0], 0.7, 1500
    firsts = torch.tensor([run[0] for run in lab.map(lab.generate, [(m, prompt, 1, t, s) for s in range(n)])])
    p = torch.softmax(oracle(torch.tensor([prompt]))[0][0, -1].detach().double() / t, dim=-1)
    tolerance = 5 * torch.sqrt(p * (1 - p) / n) + 2e-3
    check(bool(((frequencies(firsts, V) - p).abs() <= tolerance).all()), "the first generated token does not follow softmax(logits / T)")


# ---- cells: each bias alone, gradients for every argument ----------------------------------------


def cell_formula(kind: str, x, h, c, w_ih, w_hh, b_ih, b_hh):
    z = x @ w_ih.T + h @ w_hh.T
    z = z + (0 if b_ih is None else b_ih) + (0 if b_hh is None else b_hh)
    if kind == "rnn":
        return torch.tanh(z)
    z_i, z_f, z_g, z_o = z.chunk(4, dim=-1)
    c_next = torch.sigmoid(z_f) * c + torch.sigmoid(z_i) * torch.tanh(z_g)
    return torch.sigmoid(z_o) * torch.tanh(c_next), c_next


@pytest.mark.parametrize("kind", [pytest.param("rnn", marks=pytest.mark.points(2)), pytest.param("lstm", marks=pytest.mark.points(2))])
def test_cell_single_bias_and_gradients(lab, kind):
    """rnn_cell / lstm_cell add each bias that is given (b_ih alone, b_hh alone) and are differentiable in every argument."""
    rows = H if kind == "rnn" else 4 * H
    d = torch.float64
    x, h, c = randn(B, I, seed=150, dtype=d), randn(B, H, seed=151, dtype=d), randn(B, H, seed=152, dtype=d)
    w_ih, w_hh = randn(rows, I, seed=153, dtype=d) * 0.6, randn(rows, H, seed=154, dtype=d) * 0.6
    b_ih, b_hh = randn(rows, seed=155, dtype=d), randn(rows, seed=156, dtype=d) * 2

    def call(*args):
        return lab.rnn_cell(x, h, *args) if kind == "rnn" else lab.lstm_cell(x, h, c, *args)

    for name, biases in (("b_ih only", (b_ih, None)), ("b_hh only", (None, b_hh)), ("no bias", (None, None))):
        got, expected = call(w_ih, w_hh, *biases), cell_formula(kind, x, h, c, w_ih, w_hh, *biases)
        for part, g, e in zip(("h'", "c'"), as_state_list(got), as_state_list(expected)):
            assert_close(g, e, **F64, what=f"{kind}_cell {part} with {name}")
    g_h, g_c = randn(B, H, seed=157, dtype=d), randn(B, H, seed=158, dtype=d)
    if kind == "rnn":
        args, names, grad_output = (x, h, w_ih, w_hh, b_ih, b_hh), ("x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh"), g_h
        result = lab.vjp(lab.rnn_cell, *args, grad_output=grad_output, wrt=tuple(range(6)))
    else:
        args, names, grad_output = (x, h, c, w_ih, w_hh, b_ih, b_hh), ("x", "h", "c", "weight_ih", "weight_hh", "bias_ih", "bias_hh"), (g_h, g_c)
        result = lab.vjp(lab.lstm_cell, *args, grad_output=grad_output, wrt=tuple(range(7)))
    leaves = [a.clone().requires_grad_(True) for a in args]
    out = cell_formula(kind, *leaves) if kind == "lstm" else cell_formula(kind, leaves[0], leaves[1], None, *leaves[2:])
    torch.autograd.backward(as_state_list(out), as_state_list(grad_output))
    for name, got, leaf in zip(names, result.grads, leaves):
        check(got is not None, f"{kind}_cell: no gradient flowed to {name}")
        assert_close(got, leaf.grad, **F64_GRAD, what=f"{kind}_cell: the gradient for {name}")


# ---- layers: initialisation, one step, gradients for the initial state ----------------------------


@pytest.mark.points(2)
def test_layer_initialisation_is_uniform(lab):
    """RNN and LSTM parameters start uniform in [-1/sqrt(H), 1/sqrt(H)] (all inside, filling the range, uniform spread)."""
    lab.manual_seed(3)
    hidden = 100
    bound = 1 / math.sqrt(hidden)
    for kind, cls in (("RNN", lab.RNN), ("LSTM", lab.LSTM)):
        for bias in (True, False):
            values = torch.cat([v.flatten().double() for v in cls(3, hidden, bias=bias).state_dict().values()])
            n = values.numel()
            check(bool((values.abs() <= bound * (1 + 1e-6)).all()), f"{kind}(bias={bias}): a parameter lies outside [-1/sqrt(H), 1/sqrt(H)]")
            check(float(values.abs().max()) >= 0.97 * bound, f"{kind}(bias={bias}): the parameters do not fill [-1/sqrt(H), 1/sqrt(H)]")
            check(abs(float(values.mean())) <= 6 * bound / math.sqrt(3 * n), f"{kind}(bias={bias}): the parameters are not centred on 0")
            std = float(values.std())
            check(abs(std - bound / math.sqrt(3)) <= 0.05 * bound / math.sqrt(3), f"{kind}(bias={bias}): the spread is not that of a uniform distribution")


@pytest.mark.points(2)
def test_rnn_single_step_and_initial_state_gradient(lab):
    """RNN on T = 1 from a given h0 (float64): output, h_n and the gradients for x, h0 and the parameters match nn.RNN."""
    oracle = oracle_layer("rnn", dtype=torch.float64, seed=160)
    m = student_layer(lab, "rnn", oracle.state_dict(), double=True)
    for steps in (1, T):
        x, h0 = randn(B, steps, I, seed=161, dtype=torch.float64), randn(1, B, H, seed=162, dtype=torch.float64)
        g_out, g_h = randn(B, steps, H, seed=163, dtype=torch.float64), randn(1, B, H, seed=164, dtype=torch.float64)
        result = lab.vjp(m, x, h0, grad_output=(g_out, g_h), wrt=(0, 1), params=True)
        xl, hl = x.clone().requires_grad_(True), h0.clone().requires_grad_(True)
        oracle.zero_grad()
        out, h_n = oracle(xl, hl)
        torch.autograd.backward([out, h_n], [g_out, g_h])
        assert_close(result.output[0], out.detach(), **F64, what=f"RNN output (T={steps})")
        assert_close(result.output[1], h_n.detach(), **F64, what=f"RNN h_n (T={steps})")
        assert_close(result.grads[0], xl.grad, **F64_GRAD, what=f"the gradient for x (T={steps})")
        check(result.grads[1] is not None, "no gradient flowed to h0")
        assert_close(result.grads[1], hl.grad, **F64_GRAD, what=f"the gradient for h0 (T={steps})")
        for name in PARAMS:
            assert_close(result.param_grads[name], getattr(oracle, name).grad, **F64_GRAD, what=f"the gradient for {name} (T={steps})")


@pytest.mark.points(1)
def test_lstm_single_step(lab):
    """LSTM on sequences of length T = 1 from a given (h0, c0) gives nn.LSTM's output, h_n and c_n."""
    oracle = oracle_layer("lstm", seed=165)
    m = student_layer(lab, "lstm", oracle.state_dict())
    x, h0, c0 = randn(B, 1, I, seed=166), randn(1, B, H, seed=167), randn(1, B, H, seed=168)
    expected_out, (expected_h, expected_c) = oracle(x, (h0, c0))
    out, state = m(x, (h0, c0))
    assert_close(out, expected_out.detach(), **F32, what="LSTM output (T=1)")
    got = as_state_list(state)
    check(len(got) == 2, "the LSTM state should be (h_n, c_n)")
    assert_close(got[0], expected_h.detach(), **F32, what="LSTM h_n (T=1)")
    assert_close(got[1], expected_c.detach(), **F32, what="LSTM c_n (T=1)")


# ---- the language model: default cell, sizes, a differentiable state ------------------------------


@pytest.mark.points(2)
def test_language_model_default_cell_and_layout(lab):
    """RNNLanguageModel's default cell is the LSTM; both cells have the documented state_dict keys and shapes."""
    for cell, kwargs in (("lstm", {}), ("lstm", {"cell": "lstm"}), ("rnn", {"cell": "rnn"})):
        expected = {k: tuple(v.shape) for k, v in OracleLM(cell).state_dict().items()}
        got = {k: tuple(v.shape) for k, v in lab.RNNLanguageModel(V, E, H, **kwargs).state_dict().items()}
        check(set(got) == set(expected), f"RNNLanguageModel({', '.join(f'{k}={v!r}' for k, v in kwargs.items()) or 'default cell'}): wrong state_dict keys")
        check(got == expected, f"RNNLanguageModel({', '.join(f'{k}={v!r}' for k, v in kwargs.items()) or 'default cell'}): wrong parameter shapes")


@pytest.mark.points(2)
def test_language_model_state_is_differentiable(lab):
    """The state returned by forward is not detached: gradients through logits and state match torch (float64, RNN)."""
    oracle = randomise(OracleLM("rnn").double(), seed=170, scale=0.5)
    m = lab.RNNLanguageModel(V, E, H, cell="rnn")
    m.double()
    m.load_state_dict(oracle.state_dict())
    tokens, h0 = randint(V, B, 5, seed=171), randn(1, B, H, seed=172, dtype=torch.float64)
    g_logits, g_h = randn(B, 5, V, seed=173, dtype=torch.float64), randn(1, B, H, seed=174, dtype=torch.float64)
    result = lab.vjp(m, tokens, h0, grad_output=(g_logits, g_h), wrt=(1,), params=True)
    hl = h0.clone().requires_grad_(True)
    oracle.zero_grad()
    logits, h_n = oracle(tokens, hl)
    torch.autograd.backward([logits, h_n], [g_logits, g_h])
    assert_close(result.output[0], logits.detach(), **F64, what="the logits from a given state")
    assert_close(result.output[1], h_n.detach(), **F64, what="the returned state")
    check(result.grads[0] is not None, "no gradient flowed to the initial state")
    assert_close(result.grads[0], hl.grad, **F64_GRAD, what="the gradient for the initial state")
    for name, p in oracle.named_parameters():
        check(result.param_grads.get(name) is not None, f"no gradient for {name}")
        assert_close(result.param_grads[name], p.grad, **F64_GRAD, what=f"the gradient for {name}")


@pytest.mark.points(1)
def test_detach_state(lab):
    """detach_state keeps the values of a tensor or an (h, c) tuple, cuts the graph, and returns None for None."""
    h, c = randn(1, B, H, seed=175), randn(1, B, H, seed=176)
    assert_close(lab.detach_state(h), h, atol=0, rtol=0, what="detach_state of a tensor")
    pair = lab.detach_state((h, c))
    check(isinstance(pair, (tuple, list)) and len(pair) == 2, "detach_state of (h, c) should return a pair")
    assert_close(pair[0], h, atol=0, rtol=0, what="detach_state((h, c))[0]")
    assert_close(pair[1], c, atol=0, rtol=0, what="detach_state((h, c))[1]")
    check(lab.detach_state(None) is None, "detach_state(None) should return None")
    with pytest.raises(TypeError):  # the result must not depend on the input through autograd
        lab.vjp(lab.detach_state, h, grad_output=torch.ones_like(h))


# ---- TBPTT windows at the boundaries, and large logits --------------------------------------------


@pytest.mark.parametrize(
    "n, window, with_state",
    [
        pytest.param(9, 1, False, id="window_1", marks=pytest.mark.points(1)),
        pytest.param(9, 8, True, id="one_window", marks=pytest.mark.points(1)),
        pytest.param(9, 20, False, id="window_longer_than_stream", marks=pytest.mark.points(1)),
        pytest.param(2, 3, True, id="two_tokens", marks=pytest.mark.points(1)),
    ],
)
def test_tbptt_losses_window_boundaries(lab, n, window, with_state):
    """tbptt_losses (RNN model, float64) at the window boundaries: ceil((N-1)/k) losses, the final state, the gradients."""
    oracle = randomise(OracleLM("rnn").double(), seed=180, scale=0.5)
    m = lab.RNNLanguageModel(V, E, H, cell="rnn")
    m.double()
    m.load_state_dict(oracle.state_dict())
    tokens = randint(V, 2, n, seed=181)
    h0 = randn(1, 2, H, seed=182, dtype=torch.float64) if with_state else None
    expected_losses, expected_state, expected_params = oracle_tbptt(oracle, tokens, window, h0)
    count = math.ceil((n - 1) / window)
    args = (tokens, window, h0) if with_state else (tokens, window)
    result = lab.vjp(m.tbptt_losses, *args, grad_output=(torch.ones(count, dtype=torch.float64), None), wrt=(), params=True)
    losses, state = result.output
    check(tuple(losses.shape) == (count,), f"tbptt_losses over N={n} with window={window} should return {count} losses")
    assert_close(losses, expected_losses, **F64, what=f"the per-window losses (N={n}, window={window})")
    assert_close(as_state_list(state)[0], expected_state, **F64, what="the final state")
    for name, expected in expected_params.items():
        assert_close(result.param_grads[name], expected, **F64_GRAD, what=f"the gradient for {name}")


def large_logit_oracle(cell: str, seed: int, mode: str) -> OracleLM:
    """A model whose logits are about 1000 in magnitude: every logit shifted by +-1000, or the head scaled by 1000."""
    oracle = randomise(OracleLM(cell), seed=seed, scale=0.5)
    with torch.no_grad():
        if mode == "scaled":
            oracle.head.weight.mul_(1000.0)
            oracle.head.bias.mul_(1000.0)
        else:
            oracle.head.bias.add_(1000.0 if mode == "plus" else -1000.0)
    return oracle


@pytest.mark.parametrize("mode", [pytest.param(m, marks=pytest.mark.points(1)) for m in ("plus", "minus", "scaled")])
def test_tbptt_losses_with_large_logits(lab, mode):
    """tbptt_losses (float32) with logits of magnitude 1000 equals torch's cross_entropy (a stable log-softmax)."""
    oracle = large_logit_oracle("lstm", 185, mode)
    m = student_lm(lab, "lstm", oracle)
    tokens = randint(V, 3, 11, seed=186)
    with torch.no_grad():
        expected = []
        state = None
        for s in range(0, 10, 4):
            logits, state = oracle(tokens[:, s : min(s + 4, 10)], state)
            expected.append(F.cross_entropy(logits.flatten(0, 1), tokens[:, s + 1 : min(s + 4, 10) + 1].flatten()))
    losses, _ = m.tbptt_losses(tokens, 4)
    losses = torch.as_tensor(losses)
    check(bool(torch.isfinite(losses).all()), f"tbptt_losses is not finite for logits of magnitude 1000 ({mode}): shift by the max before exp")
    assert_close(losses, torch.stack(expected), atol=2e-3, rtol=1e-4, what=f"the window losses with logits of magnitude 1000 ({mode})")


# ---- train_tbptt against a seeded torch run ---------------------------------------------------------


def oracle_train(oracle: OracleLM, tokens: torch.Tensor, window: int, epochs: int, lr: float, clip) -> list[float]:
    """The documented loop: one Adam for the run, a zero state each epoch, detached between windows."""
    optimizer = torch.optim.Adam(oracle.parameters(), lr=lr)
    n, history = tokens.shape[1] - 1, []
    for _ in range(epochs):
        state = None
        for s in range(0, n, window):
            e = min(s + window, n)
            logits, state = oracle(tokens[:, s:e], state)
            loss = F.cross_entropy(logits.flatten(0, 1), tokens[:, s + 1 : e + 1].flatten())
            optimizer.zero_grad()
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(oracle.parameters(), clip)
            optimizer.step()
            state = tuple(t.detach() for t in state) if isinstance(state, tuple) else state.detach()
            history.append(loss.item())
    return history


TRAIN_CASES = {
    "lstm_clip": ("lstm", 13, 4, dict(epochs=3, lr=0.05, clip=1.0)),
    "rnn_no_clip": ("rnn", 13, 5, dict(epochs=3, lr=0.03, clip=None)),
    "lstm_small_clip": ("lstm", 10, 3, dict(epochs=2, lr=0.05, clip=0.05)),
    "rnn_defaults": ("rnn", 12, 4, {}),  # large weights: gradient norms above the default clip of 1
}


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.points(p)) for c, p in (("lstm_clip", 2), ("rnn_no_clip", 2), ("lstm_small_clip", 2), ("rnn_defaults", 1))],
)
def test_train_tbptt_matches_seeded_torch_run(lab, case):
    """train_tbptt's per-step losses and final weights equal a seeded torch run (one Adam, zero state per epoch, clipping)."""
    cell, n, window, kwargs = TRAIN_CASES[case]
    oracle = randomise(OracleLM(cell).double(), seed=190, scale=2.0 if case == "rnn_defaults" else 0.5)
    m = lab.RNNLanguageModel(V, E, H, cell=cell)
    m.double()
    m.load_state_dict(oracle.state_dict())
    tokens = randint(V, 2, n, seed=191)
    full = dict(epochs=1, lr=1e-2, clip=1.0)
    full.update(kwargs)
    expected = oracle_train(oracle, tokens, window, full["epochs"], full["lr"], full["clip"])
    losses = lab.train_tbptt(model=m, tokens=tokens, window=window, **kwargs) if case == "rnn_defaults" else lab.train_tbptt(m, tokens, window, **kwargs)
    check(isinstance(losses, list) and len(losses) == len(expected), f"train_tbptt should return {len(expected)} losses (epochs * windows)")
    check(all(isinstance(x, float) for x in losses), "train_tbptt should return Python floats")
    assert_close(losses, expected, atol=1e-7, rtol=1e-6, what="the per-step losses (compared with a seeded torch run)")
    trained = m.state_dict()
    for name, p in oracle.state_dict().items():
        assert_close(trained[name], p, atol=1e-7, rtol=1e-6, what=f"the trained {name}")


# ---- perplexity, temperature and sampling at the edges --------------------------------------------


@pytest.mark.points(2)
def test_perplexity_with_large_logits_and_dtypes(lab):
    """perplexity is stable for float32 logits of magnitude 1000, takes float64 logits and a single (V,) position."""
    base = randn(40, V, seed=200)
    targets = randint(V, 40, seed=201)
    expected = math.exp(F.cross_entropy(base.double(), targets).item())
    for shift in (1000.0, -1000.0):
        got = lab.perplexity(base + shift, targets)
        check(isinstance(got, float) and math.isfinite(got), f"perplexity is not finite for logits shifted by {shift:+.0f}: shift by the max before exp")
        assert_close(got, expected, atol=0, rtol=2e-3, what=f"perplexity of logits shifted by {shift:+.0f}")
    big = randn(50, V, seed=202) * 1000
    big_targets = big.argmax(-1)
    big_targets[:2] = (big_targets[:2] + 1) % V
    expected_big = math.exp(F.cross_entropy(big, big_targets).item())
    assert_close(lab.perplexity(big, big_targets), expected_big, atol=0, rtol=1e-3, what="perplexity of logits scaled by 1000")
    assert_close(lab.perplexity(base.double(), targets), expected, atol=0, rtol=1e-9, what="perplexity of float64 logits")
    single = lab.perplexity(base[0], targets[0])
    assert_close(single, math.exp(F.cross_entropy(base[:1].double(), targets[:1]).item()), atol=0, rtol=1e-5, what="perplexity of one (V,) position")


@pytest.mark.points(2)
def test_temperature_probs_large_logits_dtype_shape_ties(lab):
    """temperature_probs is stable for logits of magnitude 1000, keeps shape and dtype, and is one-hot at the first maximum at T = 0."""
    logits = randn(4, V, seed=205) * 1000
    for t in (1.0, 0.5, 3.0):
        got = lab.temperature_probs(logits, t)
        check(bool(torch.isfinite(torch.as_tensor(got)).all()), f"temperature_probs is not finite for logits of magnitude 1000 (T={t}): shift by the max")
        assert_close(got, torch.softmax(logits / t, dim=-1), atol=1e-6, rtol=1e-5, what=f"probabilities of logits x1000 at T={t}")
    three_d = randn(2, 3, V, seed=206, dtype=torch.float64)
    got = lab.temperature_probs(three_d, 1.5)
    check(got.dtype == torch.float64 and tuple(got.shape) == (2, 3, V), "temperature_probs should keep the shape and dtype (float64) of the logits")
    assert_close(got, torch.softmax(three_d / 1.5, dim=-1), **F64, what="probabilities of (2, 3, V) float64 logits")
    greedy = lab.temperature_probs(three_d, 0.0)
    check(greedy.dtype == torch.float64, "temperature_probs at T = 0 should keep the dtype of the logits")
    ties = torch.tensor([[0.5, 2.0, 2.0, -1.0], [3.0, 3.0, 3.0, 3.0]])
    assert_close(lab.temperature_probs(ties, 0.0), torch.tensor([[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]), atol=0, rtol=0, what="T = 0 with tied maxima (the first wins)")
    vector = lab.temperature_probs(ties[0], 2.0)
    assert_close(vector, torch.softmax(ties[0] / 2.0, dim=-1), **F32, what="probabilities of a (V,) vector")


@pytest.mark.points(2)
def test_sample_next_large_logits_defaults_and_ties(lab):
    """sample_next follows softmax for logits shifted by +-1000, uses seed 0 by default, and takes the first maximum at T = 0."""
    base = torch.tensor([1.5, 0.2, -0.7, 0.9, -2.0, 0.0])
    n = 20000
    p = torch.softmax(base.double(), dim=-1)
    tolerance = 5 * torch.sqrt(p * (1 - p) / n) + 1e-3
    for shift in (1000.0, -1000.0):
        samples = lab.sample_next((base + shift).expand(n, -1).contiguous(), 1.0, seed=207)
        check(bool(((frequencies(torch.as_tensor(samples), 6) - p).abs() <= tolerance).all()), f"draws from logits shifted by {shift:+.0f} do not follow softmax")
    logits = randn(200, V, seed=208)
    assert_close(lab.sample_next(logits, 1.0), lab.sample_next(logits, 1.0, seed=0), atol=0, rtol=0, what="draws with the default seed (0)")
    ties = torch.tensor([[0.5, 2.0, 2.0, -1.0], [3.0, 3.0, 3.0, 3.0]])
    assert_close(lab.sample_next(ties, 0.0, seed=1), torch.tensor([1, 0]), atol=0, rtol=0, what="greedy draws with tied maxima (the first wins)")
    one = lab.sample_next(base, 0.0, seed=1)
    check(torch.as_tensor(one).dtype == torch.int64 and int(one) == 0, "sample_next on (V,) logits should return a 0-d int64 tensor")


# ---- generate: training mode, one generator for all steps -----------------------------------------


@pytest.mark.points(2)
def test_generate_keeps_training_mode_and_weights(lab):
    """generate leaves the model's training mode as it was (train or eval) and its weights unchanged."""
    oracle = randomise(OracleLM("lstm"), seed=210, scale=1.0)
    m = student_lm(lab, "lstm", oracle)
    expected = oracle_greedy(oracle, [3], 6)
    before = {k: v.clone() for k, v in m.state_dict().items()}
    for mode in (True, False, True):
        m.train(mode)
        got = lab.generate(m, [3], 6, 0.0, 4)
        assert_equal(got, expected, what=f"greedy continuation of a one-token prompt (training={mode})")
        check(m.training is mode, f"generate changed the model's training mode (it was {'train' if mode else 'eval'})")
        lab.generate(m, [3, 1], 5, 1.0, 4)
        check(m.training is mode, f"generate changed the model's training mode (it was {'train' if mode else 'eval'})")
    after = m.state_dict()
    for name, value in before.items():
        assert_close(after[name], value, atol=0, rtol=0, what=f"{name} after generate")


@pytest.mark.points(2)
def test_generate_greedy_rnn(lab):
    """generate at temperature 0 is greedy decoding of the torch model for an RNN cell too."""
    oracle = randomise(OracleLM("rnn"), seed=215, scale=1.0)
    m = student_lm(lab, "rnn", oracle)
    for prompt in ([5], [2, 6, 0, 1]):
        assert_equal(lab.generate(m, prompt, 10, 0.0, 0), oracle_greedy(oracle, prompt, 10), what=f"greedy continuation of {prompt} (RNN)")


def uniform_model(lab, cell: str):
    """A model whose logits are all 0 (head weight and bias zero): every step's distribution is uniform."""
    oracle = randomise(OracleLM(cell), seed=220, scale=0.5)
    with torch.no_grad():
        oracle.head.weight.zero_()
        oracle.head.bias.zero_()
    return student_lm(lab, cell, oracle)


@pytest.mark.points(3)
def test_generate_draws_are_independent_across_steps(lab):
    """One generator for all steps: from a uniform model the tokens of one run are uniform and consecutive draws independent."""
    from scipy.stats import chi2

    m = uniform_model(lab, "rnn")
    runs = lab.map(lab.generate, [(m, [1, 2], 60, t, s) for s, t in ((0, 1.0), (1, 1.0), (2, 2.0), (3, 0.5))])
    for tokens in runs:
        check(len(tokens) == 60, "generate should return num_tokens tokens")
    tokens = torch.tensor(runs)  # (4, 60)
    n = tokens.numel()
    counts = torch.bincount(tokens.flatten(), minlength=V).double()
    stat = float(((counts - n / V) ** 2 / (n / V)).sum())
    check(stat <= chi2.isf(1e-9, V - 1), "the generated tokens of a uniform model are not uniform: draw every step from one generator seeded once")
    repeats = int((tokens[:, 1:] == tokens[:, :-1]).sum())
    pairs = tokens[:, 1:].numel()
    check(binomial_bound(repeats, pairs, 1 / V), "consecutive generated tokens repeat far too often: do not reseed the generator at every step")
    # each step of one run draws anew: the 60 tokens of a run are not all alike
    check(all(len(set(run)) > 1 for run in runs), "every token of a run is the same: do not reseed the generator at every step")


def binomial_bound(count: int, n: int, p: float, sigmas: float = 6.0) -> bool:
    return abs(count - n * p) <= sigmas * math.sqrt(n * p * (1 - p)) + 1


# ---- input checks: each invalid call next to a valid one ------------------------------------------


@pytest.mark.points(2)
def test_invalid_inputs_raise_value_error(lab):
    """Unknown cell kinds, bad sizes, shapes, windows, epochs, temperatures, prompts raise ValueError; valid ones do not."""
    m = lab.RNNLanguageModel(V, E, H, cell="rnn")
    tokens = randint(V, 1, 8, seed=140)
    cases = {
        "cell='gru'": (lambda: lab.RNNLanguageModel(V, E, H, cell="rnn"), lambda: lab.RNNLanguageModel(V, E, H, cell="gru")),
        "vocab_size=0": (lambda: lab.RNNLanguageModel(1, E, H), lambda: lab.RNNLanguageModel(0, E, H)),
        "embed_dim=0": (lambda: lab.RNNLanguageModel(V, 1, H), lambda: lab.RNNLanguageModel(V, 0, H)),
        "hidden_size=0 (model)": (lambda: lab.RNNLanguageModel(V, E, 1, cell="rnn"), lambda: lab.RNNLanguageModel(V, E, 0, cell="rnn")),
        "RNN(0, H)": (lambda: lab.RNN(1, H), lambda: lab.RNN(0, H)),
        "LSTM(I, 0)": (lambda: lab.LSTM(I, 1), lambda: lab.LSTM(I, 0)),
        "RNN input without a batch axis": (lambda: lab.RNN(I, H)(randn(1, T, I, seed=141)), lambda: lab.RNN(I, H)(randn(T, I, seed=141))),
        "LSTM input with the wrong feature size": (lambda: lab.LSTM(I, H)(randn(B, T, I, seed=142)), lambda: lab.LSTM(I, H)(randn(B, T, I + 1, seed=142))),
        "RNN input with too few features": (lambda: lab.RNN(300, 2)(randn(B, 2, 300, seed=148)), lambda: lab.RNN(I, H)(randn(B, T, I - 1, seed=148))),
        "RNN input with an extra axis": (lambda: lab.RNN(I, H)(randn(B, 2, I, seed=149)), lambda: lab.RNN(I, H)(randn(1, B, 2, I, seed=149))),
        "tbptt_losses with 3-D tokens": (lambda: m.tbptt_losses(tokens, 3), lambda: m.tbptt_losses(tokens[None], 3)),
        "perplexity with targets of another shape (same size)": (
            lambda: lab.perplexity(randn(2, 2, V, seed=150), randint(V, 2, 2, seed=151)),
            lambda: lab.perplexity(randn(2, 2, V, seed=150), randint(V, 4, seed=151)),
        ),
        "perplexity with 2-D targets for (N, V) logits": (
            lambda: lab.perplexity(randn(4, V, seed=152), randint(V, 4, seed=153)),
            lambda: lab.perplexity(randn(4, V, seed=152), randint(V, 2, 2, seed=153)),
        ),
        "tbptt_losses with window=0": (lambda: m.tbptt_losses(tokens, 1), lambda: m.tbptt_losses(tokens, 0)),
        "tbptt_losses with one token": (lambda: m.tbptt_losses(tokens[:, :2], 1), lambda: m.tbptt_losses(tokens[:, :1], 1)),
        "train_tbptt with a 1-D token stream": (lambda: lab.train_tbptt(m, tokens, 4), lambda: lab.train_tbptt(m, tokens[0], 4)),
        "train_tbptt with window=0": (lambda: lab.train_tbptt(m, tokens, 7), lambda: lab.train_tbptt(m, tokens, 0)),
        "train_tbptt with epochs=0": (lambda: lab.train_tbptt(m, tokens, 4, epochs=1), lambda: lab.train_tbptt(m, tokens, 4, epochs=0)),
        "perplexity with mismatched targets": (
            lambda: lab.perplexity(randn(4, V, seed=143), randint(V, 4, seed=144)),
            lambda: lab.perplexity(randn(4, V, seed=143), randint(V, 5, seed=144)),
        ),
        "temperature_probs with a negative temperature": (lambda: lab.temperature_probs(randn(V, seed=145), 0.0), lambda: lab.temperature_probs(randn(V, seed=145), -1.0)),
        "sample_next with a negative temperature": (lambda: lab.sample_next(randn(V, seed=146), 0.0, seed=0), lambda: lab.sample_next(randn(V, seed=146), -0.5, seed=0)),
        "sample_next with 3-D logits": (lambda: lab.sample_next(randn(2, V, seed=147), 1.0, seed=0), lambda: lab.sample_next(randn(1, 2, V, seed=147), 1.0, seed=0)),
        "generate with an empty prompt": (lambda: lab.generate(m, [1], 3), lambda: lab.generate(m, [], 3)),
        "generate with num_tokens=-1": (lambda: lab.generate(m, [1], 0), lambda: lab.generate(m, [1], -1)),
        "generate with a negative temperature": (lambda: lab.generate(m, [1], 2, 0.0), lambda: lab.generate(m, [1], 2, -0.1)),
        "generate of 0 tokens with a negative temperature": (lambda: lab.generate(m, [1], 0, 0.0), lambda: lab.generate(m, [1], 0, -0.5)),
    }
    for what, (valid, invalid) in cases.items():
        try:
            valid()
        except Exception as error:  # noqa: BLE001 - any failure of the valid call is the student's
            pytest.fail(f"a valid call raised {type(error).__name__} (next to the check of {what})")
        with pytest.raises(ValueError):
            invalid()
            pytest.fail(f"no ValueError for {what}")


@pytest.mark.points(2)
def test_sampling_defaults_and_keywords(lab):
    """The documented defaults (temperature 1, seed 0) of temperature_probs, sample_next and generate; temperature by keyword."""
    logits = randn(500, V, seed=230)
    assert_close(lab.temperature_probs(logits), torch.softmax(logits, dim=-1), **F32, what="temperature_probs with the default temperature")
    by_keyword = lab.sample_next(logits, temperature=1.0, seed=0)
    assert_close(lab.sample_next(logits), by_keyword, atol=0, rtol=0, what="sample_next with the default temperature and seed")
    assert_close(lab.sample_next(logits, seed=0), by_keyword, atol=0, rtol=0, what="sample_next with the default temperature")
    m = student_lm(lab, "lstm", randomise(OracleLM("lstm"), seed=231, scale=1.0))
    assert_equal(lab.generate(m, [2, 3], 30), lab.generate(m, [2, 3], 30, 1.0, 0), what="generate with the default temperature and seed")
    assert_equal(lab.generate(m, [2, 3], 30, seed=0), lab.generate(m, [2, 3], 30, temperature=1.0), what="generate with one default")
