"""Hidden tests for lab 14 (masked language modelling).

``mask_tokens`` is random, so it is checked statistically over many draws
(one call per seed), never against a particular random-number order:
every bound is at least six standard deviations wide (binomial counts) or a
1e-10 chi-square tail, so a correct implementation fails with negligible
probability while the classic mistakes are far outside. transformers'
``DataCollatorForLanguageModeling`` serves as a peer: on the same batch its
statistics must agree with the student's.

The model tests read the tied head through the contract's attribute names
(``token_embedding``, ``head.dense``, ``head.norm``, ``head.decoder``) and
recompute logits and the embedding's gradient by formula.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check

PAD, UNK, CLS, SEP, MASK, EXTRA = 0, 1, 2, 3, 4, 7  # EXTRA: an ordinary-looking id declared special
SPECIAL = [PAD, UNK, CLS, SEP, MASK, EXTRA]
V = 40
CANDIDATES = [i for i in range(V) if i not in SPECIAL]  # the non-special vocabulary, K ids
K = len(CANDIDATES)
SIGMAS = 6.0

torch.set_num_threads(1)  # as the grading worker (manifest threads = 1); a shared 2-core machine runs faster single-threaded


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def make_batch(rows: int, seq: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-padded [CLS] ... [SEP] rows over a skewed (Zipf-like) vocabulary, with a few [UNK], EXTRA and [MASK]
    tokens inside; some padded positions hold ordinary ids and are padding only by the attention mask."""
    g = gen(seed)
    weights = 1.0 / torch.arange(1, K + 1, dtype=torch.float64)
    ids = torch.tensor(CANDIDATES)[torch.multinomial(weights, rows * seq, replacement=True, generator=g)].view(rows, seq)
    sprinkle = torch.rand(rows, seq, generator=g)
    ids[sprinkle < 0.03] = UNK
    ids[(sprinkle >= 0.03) & (sprinkle < 0.06)] = EXTRA
    ids[(sprinkle >= 0.06) & (sprinkle < 0.07)] = MASK
    lengths = torch.randint(seq // 2, seq + 1, (rows,), generator=g)
    positions = torch.arange(seq)[None, :]
    attention = (positions < lengths[:, None]).long()
    ids[:, 0] = CLS
    ids[torch.arange(rows), lengths - 1] = SEP
    pad_with_id = (positions >= lengths[:, None]) & (torch.arange(rows)[:, None] % 2 == 0)
    ids[pad_with_id] = PAD  # odd rows keep ordinary ids in their padding: only the attention mask marks it
    return ids, attention


def maskable(ids: torch.Tensor, attention: torch.Tensor) -> torch.Tensor:
    return ~torch.isin(ids, torch.tensor(SPECIAL)) & attention.bool()


def run_mask(lab, ids, attention, seeds, **kwargs) -> list[tuple[torch.Tensor, torch.Tensor]]:
    kw = dict(mask_id=MASK, vocab_size=V, special_ids=[UNK, CLS, SEP, EXTRA], attention_mask=attention, pad_id=PAD)
    kw.update(kwargs)
    results = [lab.mask_tokens(ids, **kw, seed=s) for s in seeds]
    for r in results:
        check(isinstance(r, (tuple, list)) and len(r) == 2, "mask_tokens should return (masked_input_ids, labels)")
        check(torch.is_tensor(r[0]) and torch.is_tensor(r[1]), "mask_tokens should return two tensors")
        check(tuple(r[0].shape) == tuple(ids.shape) and tuple(r[1].shape) == tuple(ids.shape), "outputs should have the shape of input_ids")
    return [(r[0].long(), r[1].long()) for r in results]


def binomial_ok(count: int, n: int, p: float, sigmas: float = SIGMAS) -> bool:
    return abs(count - n * p) <= sigmas * math.sqrt(n * p * (1 - p)) + 1


class Tally:
    """Counts over many (ids, masked, labels) draws."""

    def __init__(self, ids, attention, results):
        ok = maskable(ids, attention)
        self.maskable = self.selected = self.to_mask = self.kept = self.random = 0
        self.random_values, self.random_originals = [], []
        for masked, labels in results:
            sel = labels != -100
            self.maskable += int(ok.sum())
            self.selected += int(sel.sum())
            self.to_mask += int((sel & (masked == MASK)).sum())
            self.kept += int((sel & (masked == ids)).sum())
            rnd = sel & (masked != MASK) & (masked != ids)
            self.random += int(rnd.sum())
            self.random_values.append(masked[rnd])
            self.random_originals.append(ids[rnd])


BATCH = make_batch(256, 48, seed=1)
STAT_SEEDS = list(range(100, 108))


# ---- maskable positions and the shape of mask_tokens' result ------------------------------------


@pytest.mark.points(6)
def test_maskable_positions(lab):
    """maskable_positions excludes every special id, pad_id, and positions with attention_mask 0."""
    ids = torch.tensor([[CLS, 9, EXTRA, 12, SEP, PAD, PAD], [CLS, 10, UNK, MASK, 11, SEP, 15]])
    attention = torch.tensor([[1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1, 0]])
    expected = torch.tensor([[0, 1, 0, 1, 0, 0, 0], [0, 1, 0, 0, 1, 0, 0]], dtype=torch.bool)
    got = lab.maskable_positions(ids, [CLS, SEP, UNK, MASK, EXTRA], attention, PAD)
    check(torch.is_tensor(got) and got.dtype == torch.bool, "maskable_positions should return a bool tensor")
    check(torch.equal(got, expected), "maskable_positions is wrong with specials, pad_id and an attention mask")
    no_mask = lab.maskable_positions(ids, [CLS, SEP, UNK, MASK, EXTRA], None, PAD)
    check(torch.equal(no_mask, expected | torch.tensor([[0] * 6 + [0], [0] * 6 + [1]], dtype=torch.bool)),
          "without attention_mask only the ids decide (pad_id marks padding)")
    only_mask = lab.maskable_positions(ids, [], attention, None)
    check(torch.equal(only_mask, attention.bool()), "with no special ids and no pad_id, only the attention mask decides")


@pytest.mark.points(4)
def test_mask_tokens_output_and_seed(lab):
    """mask_tokens returns long tensors shaped like the input; the same seed repeats, different seeds differ."""
    ids, attention = make_batch(8, 20, seed=2)
    (a, la), (b, lb), (c, lc) = run_mask(lab, ids, attention, [5, 5, 6])
    check(a.dtype == torch.long and la.dtype == torch.long, "both outputs should be torch.long")
    check(torch.equal(a, b) and torch.equal(la, lb), "the same seed should give the same result")
    check(not (torch.equal(a, c) and torch.equal(la, lc)), "different seeds should give different results")
    one_d, labels_1d = lab.mask_tokens(ids[0], mask_id=MASK, vocab_size=V, special_ids=SPECIAL, seed=3)
    check(tuple(one_d.shape) == (20,) and tuple(labels_1d.shape) == (20,), "a 1-D input should give 1-D outputs")


# ---- what may change, and the labels ------------------------------------------------------------


@pytest.mark.points(8)
def test_never_selects_special_or_padding(lab):
    """Special ids (listed or mask_id/pad_id) and padding (by attention_mask or pad id) are never selected or changed."""
    ids, attention = BATCH
    ok = maskable(ids, attention)
    for masked, labels in run_mask(lab, ids, attention, STAT_SEEDS[:4], mlm_probability=0.5):
        check(not ((labels != -100) & ~ok).any(), "a special token or a padding position got a label (was selected)")
        check(torch.equal(masked[~ok], ids[~ok]), "a special token or a padding position was changed")


@pytest.mark.points(8)
def test_labels_and_unselected_inputs(lab):
    """labels hold the original id at selected positions and -100 elsewhere; unselected inputs are unchanged."""
    ids, attention = BATCH
    for masked, labels in run_mask(lab, ids, attention, STAT_SEEDS[:4]):
        sel = labels != -100
        check(sel.any(), "no position was selected")
        check(torch.equal(labels[sel], ids[sel]), "a label is not the original token id")
        check(torch.equal(masked[~sel], ids[~sel]), "an input position changed although its label is -100")
        check(bool(((labels == -100) | (labels >= 0)).all()), "labels should be original ids or -100")


# ---- statistics ---------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [pytest.param(0.15, marks=pytest.mark.points(6)), pytest.param(0.4, marks=pytest.mark.points(3))])
def test_selection_rate(lab, p):
    """Each maskable token is selected with probability mlm_probability (6-sigma binomial bound over many draws)."""
    ids, attention = BATCH
    kwargs = {} if p == 0.15 else {"mlm_probability": p}
    t = Tally(ids, attention, run_mask(lab, ids, attention, STAT_SEEDS, **kwargs))
    check(binomial_ok(t.selected, t.maskable, p), f"the share of selected maskable tokens is not {p} (mlm_probability={p})")


@pytest.mark.points(6)
def test_selection_is_bernoulli(lab):
    """The number of selected tokens varies like independent per-token draws (not a fixed 15 % per row or batch)."""
    from scipy.stats import chi2

    ids, attention = make_batch(8, 32, seed=3)
    ok = maskable(ids, attention)
    n_row = ok.sum(1).double()
    p = 0.15
    results = run_mask(lab, ids, attention, range(200, 300))
    counts = torch.stack([(labels != -100).sum(1).double() for _, labels in results])  # (calls, rows)
    rows = n_row > 0
    per_row = (((counts[:, rows] - n_row[rows] * p) ** 2) / (n_row[rows] * p * (1 - p))).sum().item()
    df_rows = int(rows.sum()) * len(results)
    n_call = n_row.sum().item()
    per_call = (((counts.sum(1) - n_call * p) ** 2) / (n_call * p * (1 - p))).sum().item()
    df_calls = len(results)
    for stat, df, what in ((per_row, df_rows, "per sequence"), (per_call, df_calls, "per batch")):
        low, high = 0.9 * chi2.ppf(1e-10, df), 1.1 * chi2.isf(1e-10, df)
        check(stat >= low, f"the number of selected tokens {what} varies far less than independent draws would")
        check(stat <= high, f"the number of selected tokens {what} varies far more than independent draws would")


@pytest.mark.parametrize(
    "probs",
    [pytest.param((0.8, 0.1), marks=pytest.mark.points(6), id="80_10_10"), pytest.param((0.5, 0.3), marks=pytest.mark.points(3), id="50_30_20")],
)
def test_replacement_split(lab, probs):
    """Among selected tokens: mask_replace_prob -> [MASK], random_replace_prob -> random id, the rest unchanged."""
    pm, pr = probs
    ids, attention = BATCH
    kwargs = {} if probs == (0.8, 0.1) else {"mask_replace_prob": pm, "random_replace_prob": pr, "mlm_probability": 0.3}
    t = Tally(ids, attention, run_mask(lab, ids, attention, STAT_SEEDS, **kwargs))
    n = t.selected
    check(n > 1000, "too few tokens were selected to measure the split")
    # A random draw equals the original token with probability 1 / K and then looks unchanged.
    check(binomial_ok(t.to_mask, n, pm), f"the share of selected tokens replaced by [MASK] is not {pm}")
    check(binomial_ok(t.random, n, pr * (1 - 1 / K)), f"the share of selected tokens replaced by a random id is not {pr}")
    check(binomial_ok(t.kept, n, 1 - pm - pr + pr / K), f"the share of selected tokens left unchanged is not {1 - pm - pr:.1f}")


@pytest.mark.points(5)
def test_random_replacements_are_not_special(lab):
    """Random replacements come from the non-special vocabulary: never [MASK], [PAD] or another special id."""
    ids, attention = BATCH
    kwargs = dict(mlm_probability=0.5, mask_replace_prob=0.0, random_replace_prob=1.0)
    t = Tally(ids, attention, run_mask(lab, ids, attention, STAT_SEEDS[:4], **kwargs))
    values = torch.cat(t.random_values)
    check(values.numel() > 1000, "too few random replacements to check")
    check(not torch.isin(values, torch.tensor(SPECIAL)).any(), "a random replacement is a special id")
    check(bool(((values >= 0) & (values < V)).all()), "a random replacement is outside [0, vocab_size)")


@pytest.mark.points(5)
def test_random_replacements_uniform(lab):
    """Random replacements are uniform over the non-special vocabulary (chi-square test), whatever the corpus' frequencies."""
    from scipy.stats import chi2

    ids, attention = BATCH
    kwargs = dict(mlm_probability=0.5, mask_replace_prob=0.0, random_replace_prob=1.0)
    t = Tally(ids, attention, run_mask(lab, ids, attention, STAT_SEEDS[:4], **kwargs))
    values, originals = torch.cat(t.random_values), torch.cat(t.random_originals)
    keep = torch.isin(values, torch.tensor(CANDIDATES))  # specials are test_random_replacements_are_not_special's job
    values, originals = values[keep], originals[keep]
    check(values.numel() > 1000, "too few random replacements to check")
    position = torch.full((V,), -1, dtype=torch.long)
    position[torch.tensor(CANDIDATES)] = torch.arange(K)
    observed = torch.bincount(position[values], minlength=K).double()
    # A draw is seen as a change only when it differs from the original: uniform over the other K - 1 ids.
    per_original = torch.bincount(position[originals], minlength=K).double()
    expected = (per_original.sum() - per_original) / (K - 1)
    stat = float(((observed - expected) ** 2 / expected).sum())
    check(stat <= chi2.isf(1e-10, K - 1), "random replacements are not uniform over the non-special vocabulary")


@pytest.mark.points(8)
def test_statistics_match_transformers_collator(lab):
    """On a batch padded by transformers' DataCollatorForLanguageModeling, the masking statistics match the collator's."""
    from tokenizers import Tokenizer, models
    from transformers import DataCollatorForLanguageModeling, PreTrainedTokenizerFast

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = {w: i for i, w in enumerate(specials + [f"w{i}" for i in range(995)])}  # large: transformers may draw specials
    tok = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer(models.WordLevel(vocab, unk_token="[UNK]")),
        pad_token="[PAD]", unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
    )
    g = gen(4)
    examples = []
    for _ in range(300):
        length = int(torch.randint(3, 40, (1,), generator=g))
        body = torch.randint(5, len(vocab), (length,), generator=g).tolist()
        examples.append({"input_ids": [tok.cls_token_id] + body + [tok.sep_token_id]})
    collator = DataCollatorForLanguageModeling(tok, mlm_probability=0.15, seed=0)
    peer_results, batch = [], None
    for _ in range(4):
        out = collator(examples)
        peer_results.append((out["input_ids"].long(), out["labels"].long()))
        batch = batch if batch is not None else tok.pad(examples, return_tensors="pt")
    ids, attention = batch["input_ids"].long(), batch["attention_mask"].long()
    kw = dict(mask_id=tok.mask_token_id, vocab_size=len(tok), special_ids=tok.all_special_ids, attention_mask=attention, pad_id=tok.pad_token_id)
    student_results = [(masked.long(), labels.long()) for masked, labels in (lab.mask_tokens(ids, **kw, seed=s) for s in range(4))]
    ok = ~torch.isin(ids, torch.tensor(tok.all_special_ids)) & attention.bool()
    n_ok = int(ok.sum()) * 4

    def shares(results):
        sel = [labels != -100 for _, labels in results]
        n_sel = sum(int(s.sum()) for s in sel)
        to_mask = sum(int((s & (m == tok.mask_token_id)).sum()) for s, (m, _) in zip(sel, results))
        kept = sum(int((s & (m == ids)).sum()) for s, (m, _) in zip(sel, results))
        return n_sel, {"selected": (n_sel, n_ok), "[MASK]": (to_mask, n_sel), "unchanged": (kept, n_sel), "random": (n_sel - to_mask - kept, n_sel)}

    _, peer = shares(peer_results)
    _, mine = shares(student_results)
    for name in peer:
        (x1, n1), (x2, n2) = peer[name], mine[name]
        check(n2 > 0, f"no tokens counted for the '{name}' share")
        p = (x1 + x2) / (n1 + n2)
        sd = math.sqrt(max(p * (1 - p), 1e-12) * (1 / n1 + 1 / n2))
        check(abs(x1 / n1 - x2 / n2) <= SIGMAS * sd + 0.002, f"the '{name}' share differs from transformers' collator on the same batch")


@pytest.mark.points(3)
def test_invalid_arguments(lab):
    """mask_tokens raises ValueError for probabilities outside [0, 1], mask + random > 1, or a mismatched attention_mask."""
    ids, attention = make_batch(2, 8, seed=5)
    base = dict(mask_id=MASK, vocab_size=V, special_ids=SPECIAL, seed=0)
    for bad in (dict(mlm_probability=1.5), dict(mlm_probability=-0.1), dict(mask_replace_prob=0.7, random_replace_prob=0.4)):
        with pytest.raises(ValueError):
            lab.mask_tokens(ids, **base, **bad)
    with pytest.raises(ValueError):
        lab.mask_tokens(ids, **base, attention_mask=attention[:, :5])


# ---- loss ---------------------------------------------------------------------------------------


@pytest.mark.points(5)
def test_mlm_loss(lab):
    """mlm_loss is the mean cross-entropy over labelled positions (-100 ignored), 0 when nothing is labelled."""
    logits = torch.randn(3, 7, V, generator=gen(6))
    labels = torch.randint(0, V, (3, 7), generator=gen(7))
    labels[torch.rand(3, 7, generator=gen(8)) < 0.6] = -100
    labels[0, 0] = 5
    expected = F.cross_entropy(logits.view(-1, V), labels.view(-1), ignore_index=-100)
    assert_close(lab.mlm_loss(logits, labels), expected, atol=1e-6, rtol=1e-5, what="mlm_loss")
    none = lab.mlm_loss(logits, torch.full((3, 7), -100))
    check(torch.is_tensor(none) and none.numel() == 1 and float(none) == 0.0, "with no labelled position the loss should be 0.0")
    result = lab.vjp(lab.mlm_loss, logits, labels, grad_output=torch.tensor(1.0))
    grad = result.grads[0]
    check(bool((grad[labels == -100] == 0).all()), "positions labelled -100 should get no gradient")


# ---- the tied model -----------------------------------------------------------------------------


def small_model(lab, vocab: int = V):
    m = lab.MaskedLM(vocab, d_model=16, num_heads=2, num_layers=1, dim_feedforward=32, max_len=24)
    m.eval()
    return m


@pytest.mark.points(6)
def test_weights_tied(lab):
    """The decoder weight is the token embedding's Parameter: one copy in parameters(), one value in the state_dict."""
    m = small_model(lab)
    check(m.weights_tied() is True, "weights_tied() should return True")
    sd = m.state_dict()
    check("token_embedding.weight" in sd and "head.decoder.weight" in sd and "head.decoder.bias" in sd,
          "state_dict should have token_embedding.weight, head.decoder.weight and head.decoder.bias")
    check(tuple(sd["head.decoder.weight"].shape) == (V, 16), "head.decoder.weight should be (vocab_size, d_model)")
    n_params = sum(int(p.numel()) for p in m.parameters())
    n_state = sum(int(t.numel()) for k, t in sd.items() if k != "head.decoder.weight")
    check(n_params == n_state, "parameters() should hold the tied matrix once (and nothing outside the state_dict)")
    loaded = {k: t.clone() for k, t in sd.items()}
    loaded["token_embedding.weight"] = torch.randn(V, 16, generator=gen(9))
    loaded["head.decoder.weight"] = torch.randn(V, 16, generator=gen(10))
    m.load_state_dict(loaded)
    after = m.state_dict()
    check(torch.equal(after["token_embedding.weight"], after["head.decoder.weight"]),
          "after loading different values into the two names they differ: the weights are not shared")


@pytest.mark.points(6)
def test_logits_formula(lab):
    """logits = LayerNorm(GELU(dense(hidden))) @ E^T + bias, with E the token embedding matrix."""
    m = small_model(lab)
    ids = torch.randint(5, V, (3, 10), generator=gen(11))
    attention = torch.ones(3, 10, dtype=torch.long)
    attention[1, 7:] = 0
    sd = m.state_dict()
    hidden = m.encode(ids, attention)
    check(torch.is_tensor(hidden) and tuple(hidden.shape) == (3, 10, 16), "encode should return (batch, seq, d_model)")
    transformed = m.head.transform(hidden)
    expected_t = F.layer_norm(F.gelu(F.linear(hidden, sd["head.dense.weight"], sd["head.dense.bias"])), (16,),
                              sd["head.norm.weight"], sd["head.norm.bias"], eps=1e-5)
    assert_close(transformed, expected_t, atol=1e-4, rtol=1e-4, what="head.transform(hidden)")
    logits = m(ids, attention)
    check(torch.is_tensor(logits) and tuple(logits.shape) == (3, 10, V), "logits should be (batch, seq, vocab_size)")
    expected = transformed @ sd["token_embedding.weight"].T + sd["head.decoder.bias"]
    assert_close(logits, expected, atol=1e-5, rtol=1e-5, what="logits vs transform(hidden) @ E^T + bias")
    assert_close(m.head(hidden), expected, atol=1e-5, rtol=1e-5, what="head(hidden)")


@pytest.mark.points(6)
def test_tied_gradient(lab):
    """The embedding's gradient includes the output layer's contribution (G^T @ transform(hidden)) plus the lookup's."""
    m = small_model(lab)
    ids = torch.randint(5, V // 2, (2, 8), generator=gen(12))  # ids >= V // 2 are never looked up
    grad_out = torch.randn(2, 8, V, generator=gen(13))
    result = lab.vjp(m, ids, grad_output=grad_out, wrt=(), params=True)
    grads = result.param_grads
    check("head.decoder.weight" not in grads, "the decoder weight is a separate parameter: it should be the embedding itself")
    check(grads.get("token_embedding.weight") is not None, "token_embedding.weight got no gradient")
    grad_e = grads["token_embedding.weight"]
    head_part = torch.einsum("blv,bld->vd", grad_out, m.head.transform(m.encode(ids)))
    unused = torch.arange(V // 2, V)
    assert_close(grad_e[unused], head_part[unused], atol=1e-4, rtol=1e-4,
                 what="gradient on embedding rows never looked up (the output layer's contribution alone)")
    used = torch.unique(ids)
    check(not torch.allclose(grad_e[used], head_part[used], atol=1e-5), "looked-up rows should also get the lookup's gradient")


@pytest.mark.points(6)
def test_training_loss_falls(lab):
    """train_mlm returns one loss per step, and the loss falls well below its start on a tiny repetitive corpus."""
    n, seq = 64, 12
    tokens = torch.randint(5, V, (n,), generator=gen(14))
    corpus = torch.cat([torch.full((n, 1), CLS), tokens[:, None].expand(n, seq - 2), torch.full((n, 1), SEP)], 1)
    lab.manual_seed(0)
    m = lab.MaskedLM(V, d_model=32, num_heads=2, num_layers=2, dim_feedforward=64, max_len=16)
    losses = lab.train_mlm(m, corpus, mask_id=MASK, special_ids=SPECIAL, pad_id=PAD, steps=60, batch_size=16, lr=1e-2, seed=0)
    check(isinstance(losses, list) and len(losses) == 60, "train_mlm should return a list with one loss per step")
    check(all(isinstance(x, float) and math.isfinite(x) for x in losses), "every loss should be a finite Python float")
    first, last = sum(losses[:10]) / 10, sum(losses[-10:]) / 10
    check(last < 0.5 * first, "the loss did not fall to half its starting value in 60 steps")
    check(m.training is False, "the model should be left in eval mode after training")
