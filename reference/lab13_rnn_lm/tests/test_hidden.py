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


@pytest.mark.points(4)
def test_rnn_cell_matches_torch(lab):
    """rnn_cell computes tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) like nn.RNNCell, with and without biases."""
    cell = randomise(nn.RNNCell(I, H), seed=1)
    x, h = randn(B, I, seed=2), randn(B, H, seed=3)
    w_ih, w_hh, b_ih, b_hh = cell_weights(cell)
    assert_close(lab.rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh), cell(x, h).detach(), **F32, what="rnn_cell with biases")
    no_bias = torch.tanh(x @ w_ih.T + h @ w_hh.T)
    assert_close(lab.rnn_cell(x, h, w_ih, w_hh), no_bias, **F32, what="rnn_cell without biases")


@pytest.mark.points(5)
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


@pytest.mark.points(4)
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


LAYER_CASES = {"zero_state": (False, 3), "given_state": (True, 3)}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(p)) for c, (_, p) in LAYER_CASES.items()])
def test_rnn_matches_torch(lab, case):
    """RNN with nn.RNN's weights (batch first) gives its output and h_n, from zeros and from a given h0."""
    compare_layer(lab, "rnn", LAYER_CASES[case][0], seed=20)


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(p + 1)) for c, (_, p) in LAYER_CASES.items()])
def test_lstm_matches_torch(lab, case):
    """LSTM with nn.LSTM's weights (batch first) gives its output, h_n and c_n, from zeros and from a given (h0, c0)."""
    compare_layer(lab, "lstm", LAYER_CASES[case][0], seed=30)


@pytest.mark.points(3)
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


@pytest.mark.parametrize("kind", [pytest.param("rnn", marks=pytest.mark.points(4)), pytest.param("lstm", marks=pytest.mark.points(5))])
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


@pytest.mark.parametrize("cell", [pytest.param("rnn", marks=pytest.mark.points(3)), pytest.param("lstm", marks=pytest.mark.points(4))])
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
    [pytest.param(4, marks=pytest.mark.points(3), id="partial_last_window"), pytest.param(5, marks=pytest.mark.points(3), id="exact_windows")],
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


@pytest.mark.points(6)
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


@pytest.mark.points(7)
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


@pytest.mark.points(5)
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


@pytest.mark.points(2)
def test_perplexity_of_uniform_logits_is_vocab_size(lab):
    """Uniform logits over V tokens have perplexity V, whatever the number of tokens."""
    for v, n in ((5, 40), (32, 3)):
        assert_close(lab.perplexity(torch.zeros(n, v), randint(v, n, seed=n)), float(v), atol=0, rtol=1e-5, what=f"perplexity of uniform logits (V={v})")


# ---- temperature and sampling ---------------------------------------------------------------------


@pytest.mark.points(4)
def test_temperature_probs(lab):
    """temperature_probs is softmax(logits / T) for T in {0.5, 1, 2.5}, and one-hot at the argmax for T = 0."""
    logits = randn(4, V, seed=100) * 2
    for t in (0.5, 1.0, 2.5):
        assert_close(lab.temperature_probs(logits, t), torch.softmax(logits / t, dim=-1), **F32, what=f"probabilities at temperature {t}")
    assert_close(lab.temperature_probs(logits, 0.0), F.one_hot(logits.argmax(-1), V).float(), atol=0, rtol=0, what="probabilities at temperature 0")


def frequencies(samples: torch.Tensor, v: int) -> torch.Tensor:
    return torch.bincount(samples.flatten(), minlength=v).double() / samples.numel()


@pytest.mark.parametrize("temperature", [pytest.param(t, marks=pytest.mark.points(2)) for t in (1.0, 0.5, 2.0)])
def test_sample_next_follows_softmax(lab, temperature):
    """sample_next's draws over 20000 rows have the frequencies of softmax(logits / T) (within 5 standard errors)."""
    logits = torch.tensor([1.5, 0.2, -0.7, 0.9, -2.0, 0.0])
    n = 20000
    samples = lab.sample_next(logits.expand(n, -1).contiguous(), temperature, seed=101)
    check(tuple(samples.shape) == (n,) and samples.dtype == torch.int64, "sample_next on (B, V) logits should return (B,) int64 ids")
    p = torch.softmax(logits.double() / temperature, dim=-1)
    tolerance = 5 * torch.sqrt(p * (1 - p) / n) + 1e-3
    check(bool(((frequencies(samples, 6) - p).abs() <= tolerance).all()), f"the sample frequencies at temperature {temperature} do not follow softmax(logits / T)")


@pytest.mark.points(3)
def test_sample_next_is_seeded(lab):
    """sample_next gives the same draws for the same seed and different draws for another seed."""
    logits = randn(300, V, seed=102)
    a, b, c = lab.sample_next(logits, 1.0, seed=7), lab.sample_next(logits, 1.0, seed=7), lab.sample_next(logits, 1.0, seed=8)
    assert_close(a, b, atol=0, rtol=0, what="draws with the same seed")
    check(not torch.equal(torch.as_tensor(a), torch.as_tensor(c)), "two seeds gave identical draws for 300 rows")


@pytest.mark.points(3)
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


@pytest.mark.points(3)
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


@pytest.mark.points(3)
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


@pytest.mark.points(3)
def test_generate_first_token_follows_model(lab):
    """Over 1500 seeds, generate's first token has the frequencies of softmax(last logits / T) (T = 0.7)."""
    oracle = randomise(OracleLM("lstm"), seed=130, scale=0.5)
    m = student_lm(lab, "lstm", oracle)
    prompt, t, n = [2, 5, 1, 0], 0.7, 1500
    firsts = torch.tensor([run[0] for run in lab.map(lab.generate, [(m, prompt, 1, t, s) for s in range(n)])])
    p = torch.softmax(oracle(torch.tensor([prompt]))[0][0, -1].detach().double() / t, dim=-1)
    tolerance = 5 * torch.sqrt(p * (1 - p) / n) + 2e-3
    check(bool(((frequencies(firsts, V) - p).abs() <= tolerance).all()), "the first generated token does not follow softmax(logits / T)")


# ---- input checks ---------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_invalid_inputs_raise_value_error(lab):
    """Unknown cell kinds, bad shapes, windows, temperatures and prompts raise ValueError."""
    m = lab.RNNLanguageModel(V, E, H, cell="rnn")
    tokens = randint(V, 1, 8, seed=140)
    cases = {
        "cell='gru'": lambda: lab.RNNLanguageModel(V, E, H, cell="gru"),
        "RNN input without a batch axis": lambda: lab.RNN(I, H)(randn(T, I, seed=141)),
        "LSTM input with the wrong feature size": lambda: lab.LSTM(I, H)(randn(B, T, I + 1, seed=142)),
        "tbptt_losses with window=0": lambda: m.tbptt_losses(tokens, 0),
        "train_tbptt with a 1-D token stream": lambda: lab.train_tbptt(m, tokens[0], 4),
        "perplexity with mismatched targets": lambda: lab.perplexity(randn(4, V, seed=143), randint(V, 5, seed=144)),
        "temperature_probs with a negative temperature": lambda: lab.temperature_probs(randn(V, seed=145), -1.0),
        "sample_next with a negative temperature": lambda: lab.sample_next(randn(V, seed=146), -0.5, seed=0),
        "generate with an empty prompt": lambda: lab.generate(m, [], 3),
    }
    for what, call in cases.items():
        with pytest.raises(ValueError):
            call()
            pytest.fail(f"no ValueError for {what}")
