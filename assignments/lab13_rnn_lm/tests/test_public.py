"""Public sanity checks for lab 13 (recurrent language models).

Run with ``autograder test lab13_rnn_lm`` or ``pytest assignments/lab13_rnn_lm``.
Passing these does not mean the hidden tests pass: they compare the cells and
layers with torch's for random weights and states, check gradients in
float64, check that TBPTT detaches the state between windows, train a model
on a tiny corpus, and test sampling statistically.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from autograder.testing import assert_close, check


def test_rnn_matches_torch(lab):
    """RNN loads nn.RNN's state_dict (batch first) and gives the same output and final state."""
    torch.manual_seed(0)
    ref = nn.RNN(3, 4, batch_first=True)
    m = lab.RNN(3, 4)
    keys = set(m.state_dict())
    check(keys == set(ref.state_dict()), f"state_dict keys should be {sorted(ref.state_dict())}, got {sorted(keys)}")
    m.load_state_dict(ref.state_dict())
    x = torch.randn(2, 5, 3)
    out, h = m(x)
    expected_out, expected_h = ref(x)
    check(tuple(out.shape) == (2, 5, 4), f"output shape should be (B, T, H) = (2, 5, 4), got {tuple(out.shape)}")
    check(tuple(h.shape) == (1, 2, 4), f"h_n shape should be (1, B, H) = (1, 2, 4), got {tuple(h.shape)}")
    assert_close(out, expected_out.detach(), atol=1e-5, rtol=1e-5, what="RNN output")


def test_lstm_cell_matches_torch(lab):
    """lstm_cell with nn.LSTMCell's weights gives the same (h, c)."""
    torch.manual_seed(1)
    cell = nn.LSTMCell(3, 4)
    x, h, c = torch.randn(2, 3), torch.randn(2, 4), torch.randn(2, 4)
    got_h, got_c = lab.lstm_cell(x, h, c, cell.weight_ih.detach(), cell.weight_hh.detach(), cell.bias_ih.detach(), cell.bias_hh.detach())
    expected_h, expected_c = cell(x, (h, c))
    assert_close(got_h, expected_h.detach(), atol=1e-5, rtol=1e-5, what="h from lstm_cell")
    assert_close(got_c, expected_c.detach(), atol=1e-5, rtol=1e-5, what="c from lstm_cell")


def test_language_model_shapes_and_windows(lab):
    """RNNLanguageModel returns (B, T, V) logits; tbptt_losses returns one loss per window (last one shorter)."""
    m = lab.RNNLanguageModel(10, 8, 6, cell="lstm")
    tokens = torch.randint(10, (2, 12))
    logits, state = m(tokens)
    check(tuple(logits.shape) == (2, 12, 10), f"logits shape should be (2, 12, 10), got {tuple(logits.shape)}")
    check(len(state) == 2, "an LSTM model's state should be a tuple (h, c)")
    losses, _ = m.tbptt_losses(tokens, 5)  # 11 input positions: windows of 5, 5, 1
    check(tuple(losses.shape) == (3,), f"11 input positions in windows of 5 give 3 losses, got shape {tuple(losses.shape)}")


def test_perplexity_of_uniform_logits(lab):
    """Uniform logits over V tokens have perplexity V."""
    ppl = lab.perplexity(torch.zeros(6, 9), torch.randint(9, (6,)))
    check(isinstance(ppl, float), "perplexity should return a float")
    check(math.isclose(ppl, 9.0, rel_tol=1e-5), f"uniform logits over 9 tokens should give perplexity 9, got {ppl}")


def test_temperature_and_seeds(lab):
    """temperature_probs(logits, 2) is softmax(logits / 2); sample_next with a fixed seed repeats itself."""
    logits = torch.tensor([[2.0, 0.0, -1.0]])
    assert_close(lab.temperature_probs(logits, 2.0), F.softmax(logits / 2, dim=-1), atol=1e-6, what="temperature_probs at T=2")
    a = lab.sample_next(logits.expand(50, 3), 1.0, seed=4)
    b = lab.sample_next(logits.expand(50, 3), 1.0, seed=4)
    check(torch.equal(torch.as_tensor(a), torch.as_tensor(b)), "the same seed should give the same samples")
    m = lab.RNNLanguageModel(5, 4, 4, cell="rnn")
    out = lab.generate(m, [1, 2], 6, temperature=0.0)
    check(isinstance(out, list) and len(out) == 6, "generate should return num_tokens ids")
