"""Public sanity checks for lab 14 (masked language modelling).

Run with ``autograder test lab14_masked_lm`` or
``pytest assignments/lab14_masked_lm``. Passing these does not mean the
hidden tests pass: they check the masking statistics over many draws
(selection rate, its variance, the 80/10/10 split, uniform random
replacements), compare them with transformers' DataCollatorForLanguageModeling,
and test the tied head's logits and gradients and the training loop.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check

PAD, UNK, CLS, SEP, MASK = 0, 1, 2, 3, 4
SPECIAL = [PAD, UNK, CLS, SEP, MASK]
V = 30


def batch(rows: int = 64, seq: int = 24, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, V, (rows, seq), generator=g)
    ids[:, 0], ids[:, -1] = CLS, SEP
    return ids


def test_maskable_positions_small(lab):
    """[CLS], [SEP] and padding (attention_mask 0) are not maskable; ordinary tokens are."""
    ids = torch.tensor([[CLS, 9, 10, SEP, PAD]])
    attention = torch.tensor([[1, 1, 1, 1, 0]])
    got = lab.maskable_positions(ids, SPECIAL, attention, PAD)
    check(got.tolist() == [[False, True, True, False, False]], f"maskable_positions gave {got.tolist()}")


def test_mask_tokens_basic_contract(lab):
    """Labels are -100 or the original id; changed positions are labelled; [CLS]/[SEP] are never touched."""
    ids = batch()
    masked, labels = lab.mask_tokens(ids, mask_id=MASK, vocab_size=V, special_ids=SPECIAL, seed=0)
    check(masked.shape == ids.shape and labels.shape == ids.shape, "outputs should have the shape of input_ids")
    selected = labels != -100
    check(selected.any(), "nothing was selected in 64 x 22 ordinary tokens")
    check(torch.equal(labels[selected], ids[selected]), "a label differs from the original token")
    check(torch.equal(masked[~selected], ids[~selected]), "an unselected position was changed")
    check(not selected[:, [0, -1]].any(), "[CLS] or [SEP] was selected")


def test_mask_tokens_rough_rates(lab):
    """Roughly 15 % of the ordinary tokens are selected, and roughly 80 % of those become [MASK] (loose bounds)."""
    ids = batch(256, 34)
    masked, labels = lab.mask_tokens(ids, mask_id=MASK, vocab_size=V, special_ids=SPECIAL, seed=1)
    selected = labels != -100
    rate = selected.sum().item() / (256 * 32)
    check(0.12 < rate < 0.18, f"selected share {rate:.3f}, expected about 0.15")
    mask_share = (masked[selected] == MASK).float().mean().item()
    check(0.74 < mask_share < 0.86, f"share of selected tokens turned into [MASK] {mask_share:.3f}, expected about 0.8")


def test_same_seed_same_result(lab):
    """The same seed gives the same (masked, labels)."""
    ids = batch()
    a = lab.mask_tokens(ids, mask_id=MASK, vocab_size=V, special_ids=SPECIAL, seed=42)
    b = lab.mask_tokens(ids, mask_id=MASK, vocab_size=V, special_ids=SPECIAL, seed=42)
    check(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]), "two calls with seed=42 differ")


def test_mlm_loss_ignores_minus_100(lab):
    """mlm_loss equals F.cross_entropy with ignore_index=-100."""
    logits = torch.randn(2, 5, V, generator=torch.Generator().manual_seed(3))
    labels = torch.tensor([[-100, 7, -100, 9, -100], [5, -100, -100, -100, 6]])
    expected = F.cross_entropy(logits.view(-1, V), labels.view(-1), ignore_index=-100)
    assert_close(lab.mlm_loss(logits, labels), expected, what="mlm_loss")


def test_model_shapes_and_tying(lab):
    """MaskedLM gives (batch, seq, vocab_size) logits and reports tied weights."""
    model = lab.MaskedLM(V, d_model=16, num_heads=2, num_layers=1, dim_feedforward=32, max_len=32)
    logits = model(batch(3, 10))
    check(tuple(logits.shape) == (3, 10, V), f"logits shape {tuple(logits.shape)}, expected (3, 10, {V})")
    check(model.weights_tied() is True, "weights_tied() should be True")
    sd = model.state_dict()
    check(torch.equal(sd["token_embedding.weight"], sd["head.decoder.weight"]), "the decoder weight differs from the embedding")
