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


@pytest.mark.points(3)
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


@pytest.mark.points(2)
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


@pytest.mark.points(4)
def test_never_selects_special_or_padding(lab):
    """Special ids (listed or mask_id/pad_id) and padding (by attention_mask or pad id) are never selected or changed."""
    ids, attention = BATCH
    ok = maskable(ids, attention)
    for masked, labels in run_mask(lab, ids, attention, STAT_SEEDS[:4], mlm_probability=0.5):
        check(not ((labels != -100) & ~ok).any(), "a special token or a padding position got a label (was selected)")
        check(torch.equal(masked[~ok], ids[~ok]), "a special token or a padding position was changed")


@pytest.mark.points(4)
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


@pytest.mark.parametrize("p", [pytest.param(0.15, marks=pytest.mark.points(3)), pytest.param(0.4, marks=pytest.mark.points(1))])
def test_selection_rate(lab, p):
    """Each maskable token is selected with probability mlm_probability (6-sigma binomial bound over many draws)."""
    ids, attention = BATCH
    kwargs = {} if p == 0.15 else {"mlm_probability": p}
    t = Tally(ids, attention, run_mask(lab, ids, attention, STAT_SEEDS, **kwargs))
    check(binomial_ok(t.selected, t.maskable, p), f"the share of selected maskable tokens is not {p} (mlm_probability={p})")


@pytest.mark.points(3)
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
    [pytest.param((0.8, 0.1), marks=pytest.mark.points(3), id="80_10_10"), pytest.param((0.5, 0.3), marks=pytest.mark.points(1), id="50_30_20")],
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


@pytest.mark.points(2)
def test_random_replacements_are_not_special(lab):
    """Random replacements come from the non-special vocabulary: never [MASK], [PAD] or another special id."""
    ids, attention = BATCH
    kwargs = dict(mlm_probability=0.5, mask_replace_prob=0.0, random_replace_prob=1.0)
    t = Tally(ids, attention, run_mask(lab, ids, attention, STAT_SEEDS[:4], **kwargs))
    values = torch.cat(t.random_values)
    check(values.numel() > 1000, "too few random replacements to check")
    check(not torch.isin(values, torch.tensor(SPECIAL)).any(), "a random replacement is a special id")
    check(bool(((values >= 0) & (values < V)).all()), "a random replacement is outside [0, vocab_size)")


@pytest.mark.points(2)
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


@pytest.mark.points(3)
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


@pytest.mark.points(2)
def test_invalid_arguments(lab):
    """mask_tokens raises ValueError for probabilities outside [0, 1], mask + random > 1, a mismatched attention_mask,
    or random replacements with every id special; the valid values next to each (0, 1, a sum of exactly 1) work."""
    ids, attention = make_batch(2, 8, seed=5)
    base = dict(mask_id=MASK, vocab_size=V, special_ids=SPECIAL, seed=0)
    cases = [
        (dict(mlm_probability=1.0), dict(mlm_probability=1.5)),
        (dict(mlm_probability=0.0), dict(mlm_probability=-0.1)),
        (dict(mask_replace_prob=0.0, random_replace_prob=0.0), dict(mask_replace_prob=-0.2, random_replace_prob=0.0)),
        (dict(mask_replace_prob=1.0, random_replace_prob=0.0), dict(mask_replace_prob=1.2, random_replace_prob=0.0)),
        (dict(mask_replace_prob=0.0, random_replace_prob=1.0), dict(mask_replace_prob=0.0, random_replace_prob=1.1)),
        (dict(mask_replace_prob=0.0, random_replace_prob=0.0), dict(mask_replace_prob=0.0, random_replace_prob=-0.1)),
        (dict(mask_replace_prob=0.75, random_replace_prob=0.25), dict(mask_replace_prob=0.7, random_replace_prob=0.4)),
        (dict(mask_replace_prob=0.8, random_replace_prob=0.2), dict(mask_replace_prob=0.8, random_replace_prob=0.2000001)),
        (dict(attention_mask=attention), dict(attention_mask=attention[:, :5])),
    ]
    for valid, invalid in cases:
        try:
            lab.mask_tokens(ids, **base, **valid)
        except Exception as error:  # noqa: BLE001 - a valid call must succeed
            pytest.fail(f"mask_tokens raised {type(error).__name__} for valid arguments {sorted(valid)}")
        with pytest.raises(ValueError):
            lab.mask_tokens(ids, **base, **invalid)
    # every id special: random replacements have nothing to draw from, [MASK] alone is fine
    tiny = torch.tensor([[5, 6, 5]])
    everything = dict(mask_id=MASK, vocab_size=8, special_ids=[0, 1, 2, 3, 5, 6, 7], seed=0)
    lab.mask_tokens(tiny, **everything, random_replace_prob=0.0, mask_replace_prob=1.0)
    with pytest.raises(ValueError):
        lab.mask_tokens(tiny, **everything)
    lab.maskable_positions(ids, SPECIAL, attention, PAD)
    with pytest.raises(ValueError):
        lab.maskable_positions(ids, SPECIAL, attention[:, :5], PAD)
    with pytest.raises(ValueError):
        lab.maskable_positions(ids, SPECIAL, torch.ones(2, 10, dtype=torch.long), PAD)
    with pytest.raises(ValueError):
        lab.mask_tokens(ids, **base, attention_mask=torch.ones(3, 8, dtype=torch.long))


# ---- loss ---------------------------------------------------------------------------------------


@pytest.mark.points(3)
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


@pytest.mark.points(2)
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


@pytest.mark.points(2)
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


@pytest.mark.points(2)
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


@pytest.mark.points(3)
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


# ---- input types, named values and boundaries ---------------------------------------------------


@pytest.mark.points(3)
def test_maskable_positions_input_types(lab):
    """maskable_positions takes special_ids as any iterable, bool or integer masks, 1-D / 3-D / int32 ids; pad_id=None is not id 0."""
    ids = torch.tensor([[CLS, 9, EXTRA, 0, SEP, 12, 15], [CLS, 10, UNK, MASK, 11, SEP, 0]])
    attention = torch.tensor([[1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1, 1]])
    specials = [CLS, SEP, UNK, MASK, EXTRA]
    # pad_id = 0 marks padding even where the attention mask is 1; pad_id None leaves id 0 an ordinary token
    with_pad = torch.tensor([[0, 1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 1, 0, 0]], dtype=torch.bool)
    without_pad = with_pad.clone()
    without_pad[0, 3] = without_pad[1, 6] = True
    for what, special in (("a tuple", tuple(specials)), ("a set", set(specials)), ("a generator", (i for i in specials)),
                          ("a tensor", torch.tensor(specials))):
        got = lab.maskable_positions(ids, special, attention, PAD)
        check(torch.equal(torch.as_tensor(got), with_pad), f"maskable_positions is wrong with special_ids given as {what}")
    for what, mask in (("bool", attention.bool()), ("int32", attention.int()), ("int64", attention)):
        got = lab.maskable_positions(ids, specials, mask, PAD)
        check(torch.equal(torch.as_tensor(got), with_pad), f"maskable_positions is wrong with a {what} attention_mask")
    got = lab.maskable_positions(ids, specials, attention, None)
    check(torch.equal(torch.as_tensor(got), without_pad), "with pad_id=None, id 0 is an ordinary token (0 is not None)")
    got = lab.maskable_positions(ids.int(), specials, None, PAD)
    check(got.dtype == torch.bool and torch.equal(got, with_pad | torch.tensor([[0, 0, 0, 0, 0, 1, 1], [0] * 7], dtype=torch.bool)),
          "maskable_positions is wrong for int32 ids without an attention mask")
    flat = lab.maskable_positions(ids[1], specials, attention[1], PAD)
    check(torch.equal(torch.as_tensor(flat), with_pad[1]), "maskable_positions is wrong for 1-D ids")
    cube = lab.maskable_positions(ids.view(2, 1, 7), specials, attention.view(2, 1, 7), PAD)
    check(tuple(cube.shape) == (2, 1, 7) and torch.equal(cube.view(2, 7), with_pad), "maskable_positions is wrong for 3-D ids")


@pytest.mark.points(4)
def test_mask_tokens_probability_boundaries(lab):
    """mlm_probability 0 selects nothing and 1 every maskable token; mask_replace_prob 1 masks all, 0 and 0 keep all."""
    ids, attention = make_batch(16, 24, seed=30)
    ok = maskable(ids, attention)
    kw = dict(mask_id=MASK, vocab_size=V, special_ids=SPECIAL, attention_mask=attention, pad_id=PAD, seed=1)
    masked, labels = lab.mask_tokens(ids, **kw, mlm_probability=0.0)
    check(bool((labels == -100).all()) and torch.equal(masked, ids), "mlm_probability=0 should select nothing and change nothing")
    masked, labels = lab.mask_tokens(ids, **kw, mlm_probability=1.0)
    check(torch.equal(labels != -100, ok), "mlm_probability=1 should select every maskable token and nothing else")
    masked, labels = lab.mask_tokens(ids, **kw, mlm_probability=1.0, mask_replace_prob=1.0, random_replace_prob=0.0)
    check(bool((masked[ok] == MASK).all()) and torch.equal(masked[~ok], ids[~ok]), "mask_replace_prob=1 should replace every selected token by [MASK]")
    masked, labels = lab.mask_tokens(ids, **kw, mlm_probability=1.0, mask_replace_prob=0.0, random_replace_prob=0.0)
    check(torch.equal(masked, ids) and torch.equal(labels[ok], ids[ok]), "mask_replace_prob=0 and random_replace_prob=0 keep every token (and label it)")
    # mask_id 0 and no pad_id: id 0 is special ([MASK]) and never selected, the other ids are
    zero_ids = torch.tensor([[0, 5, 6, 0, 9, 2], [8, 0, 0, 7, 3, 1]])
    masked, labels = lab.mask_tokens(zero_ids, mask_id=0, vocab_size=10, special_ids=[1, 2], mlm_probability=1.0,
                                     mask_replace_prob=1.0, random_replace_prob=0.0, seed=2)
    ok0 = ~torch.isin(zero_ids, torch.tensor([0, 1, 2]))
    check(torch.equal(labels != -100, ok0), "with mask_id=0 every other non-special id is maskable and id 0 is not")
    check(bool((masked[ok0] == 0).all()) and torch.equal(masked[~ok0], zero_ids[~ok0]), "with mask_id=0 selected tokens become 0")


@pytest.mark.points(3)
def test_mask_tokens_input_types_and_input_unchanged(lab):
    """mask_tokens takes int32 ids, 3-D ids, bool or integer masks and any iterable of special ids; it leaves input_ids unchanged."""
    ids, attention = make_batch(6, 20, seed=31)
    kw = dict(mask_id=MASK, vocab_size=V, attention_mask=attention, pad_id=PAD, mlm_probability=0.5, seed=4)
    copy = ids.clone()
    reference_result = lab.mask_tokens(ids, special_ids=SPECIAL, **kw)
    check(torch.equal(ids, copy), "mask_tokens modified input_ids: work on a copy")
    for what, call in (
        ("int32 ids", lambda: lab.mask_tokens(ids.int(), special_ids=SPECIAL, **kw)),
        ("special_ids as a tuple", lambda: lab.mask_tokens(ids, special_ids=tuple(SPECIAL), **kw)),
        ("special_ids as a generator", lambda: lab.mask_tokens(ids, special_ids=(i for i in SPECIAL), **kw)),
        ("a bool attention_mask", lambda: lab.mask_tokens(ids, special_ids=SPECIAL, **{**kw, "attention_mask": attention.bool()})),
    ):
        masked, labels = call()
        check(masked.dtype == torch.long and labels.dtype == torch.long, f"mask_tokens should return torch.long tensors for {what}")
        check(torch.equal(masked, reference_result[0]) and torch.equal(labels, reference_result[1]),
              f"the same seed gave another result for {what} (the same masking, given another way)")
    cube, cube_labels = lab.mask_tokens(ids.view(2, 3, 20), special_ids=SPECIAL, **{**kw, "attention_mask": attention.view(2, 3, 20)})
    check(tuple(cube.shape) == (2, 3, 20) and tuple(cube_labels.shape) == (2, 3, 20), "3-D input_ids should give 3-D outputs")
    ok = maskable(ids, attention).view(2, 3, 20)
    check(not ((cube_labels != -100) & ~ok).any(), "a non-maskable position was selected in a 3-D batch")


@pytest.mark.points(3)
def test_mask_tokens_global_generator(lab):
    """seed=None draws from torch's global generator: reseeding it repeats the result, and consecutive calls differ."""
    ids, attention = make_batch(8, 24, seed=32)
    kw = dict(mask_id=MASK, vocab_size=V, special_ids=SPECIAL, attention_mask=attention, pad_id=PAD, mlm_probability=0.5)
    lab.manual_seed(11)
    first = lab.mask_tokens(ids, **kw)
    second = lab.mask_tokens(ids, **kw)
    lab.manual_seed(11)
    again = lab.mask_tokens(ids, **kw)
    check(torch.equal(first[0], again[0]) and torch.equal(first[1], again[1]), "with seed=None, reseeding torch's generator should repeat the result")
    check(not torch.equal(first[1], second[1]), "with seed=None, two consecutive calls gave the same selection")
    zero, zero_again = lab.mask_tokens(ids, **kw, seed=0), lab.mask_tokens(ids, **kw, seed=0)
    check(torch.equal(zero[0], zero_again[0]) and torch.equal(zero[1], zero_again[1]), "seed=0 is a seed like any other: the same result twice")


# ---- randomness per element ----------------------------------------------------------------------


@pytest.mark.points(4)
def test_identical_rows_are_masked_independently(lab):
    """Copies of one row in a batch get independent selections and independent random replacements."""
    row = torch.tensor([CLS] + CANDIDATES * 2 + [SEP])  # 2K ordinary tokens
    ids = row.repeat(200, 1)
    n = len(row) - 2
    _, labels = lab.mask_tokens(ids, mask_id=MASK, vocab_size=V, special_ids=SPECIAL, mlm_probability=0.5, seed=33)
    sel = labels[:, 1:-1] != -100
    same = int((sel[1:] == sel[:-1]).sum())
    check(binomial_ok(same, 199 * n, 0.5), "copies of one row are selected alike: draw the selection per position of every row")
    column = sel.sum(0).double()  # each position over 200 rows ~ Binomial(200, 0.5)
    check(bool(((column - 100).abs() <= SIGMAS * math.sqrt(50) + 1).all()), "a position is selected in far too many or too few rows")
    masked, _ = lab.mask_tokens(ids, mask_id=MASK, vocab_size=V, special_ids=SPECIAL, mlm_probability=1.0,
                                mask_replace_prob=0.0, random_replace_prob=1.0, seed=34)
    body = masked[:, 1:-1]
    check(binomial_ok(int((body[1:] == body[:-1]).sum()), 199 * n, 1 / K), "copies of one row got the same random replacements")
    check(binomial_ok(int((body[:, 1:] == body[:, :-1]).sum()), 200 * (n - 1), 1 / K), "neighbouring positions got the same random replacement")


@pytest.mark.points(4)
def test_replacement_is_per_token(lab):
    """The number of [MASK]s among the selected tokens of a row varies like independent per-token draws (not a fixed 80 %)."""
    from scipy.stats import chi2

    ids, attention = make_batch(8, 40, seed=35)
    results = run_mask(lab, ids, attention, range(400, 500), mlm_probability=0.6)
    stat, df = 0.0, 0
    for masked, labels in results:
        sel = labels != -100
        n_sel = sel.sum(1).double()
        n_mask = (sel & (masked == MASK)).sum(1).double()
        rows = n_sel > 0
        stat += float((((n_mask - 0.8 * n_sel) ** 2) / (0.16 * n_sel))[rows].sum())
        df += int(rows.sum())
    low, high = 0.9 * chi2.ppf(1e-10, df), 1.1 * chi2.isf(1e-10, df)
    check(stat >= low, "the number of [MASK]s per row varies far less than independent per-token draws would")
    check(stat <= high, "the number of [MASK]s per row varies far more than independent per-token draws would")


# ---- the loss at large magnitudes and other dtypes ------------------------------------------------


@pytest.mark.points(4)
def test_mlm_loss_large_logits_and_dtypes(lab):
    """mlm_loss equals torch's cross_entropy for float32 logits of magnitude 1000, float64 logits, int32 labels and (N, V) logits."""
    labels = torch.randint(0, V, (3, 7), generator=gen(40))
    labels[torch.rand(3, 7, generator=gen(41)) < 0.5] = -100
    labels[0, 0] = 6
    base = torch.randn(3, 7, V, generator=gen(42))

    def expected(logits):
        return F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1), ignore_index=-100)

    for what, logits, tol in (
        ("logits shifted by +1000", base + 1000, dict(atol=2e-3, rtol=1e-4)),
        ("logits shifted by -1000", base - 1000, dict(atol=2e-3, rtol=1e-4)),
        ("logits scaled by 1000", base * 1000, dict(atol=1e-2, rtol=1e-4)),
    ):
        got = lab.mlm_loss(logits, labels)
        check(bool(torch.isfinite(torch.as_tensor(got)).all()), f"mlm_loss is not finite for {what}: use a stable log-softmax")
        assert_close(got, expected(logits), **tol, what=f"mlm_loss for {what}")
    double = lab.mlm_loss(base.double(), labels)
    check(double.dtype == torch.float64, "mlm_loss of float64 logits should be float64")
    assert_close(double, expected(base.double()), atol=1e-12, rtol=1e-10, what="mlm_loss for float64 logits")
    assert_close(lab.mlm_loss(base, labels.int()), expected(base), atol=1e-6, rtol=1e-5, what="mlm_loss with int32 labels")
    assert_close(lab.mlm_loss(base.view(-1, V), labels.view(-1)), expected(base), atol=1e-6, rtol=1e-5, what="mlm_loss of (N, V) logits")
    result = lab.vjp(lab.mlm_loss, base, torch.full((3, 7), -100), grad_output=torch.tensor(1.0))
    check(result.grads[0] is not None and float(result.grads[0].abs().max()) == 0.0,
          "with no labelled position the loss should still back-propagate (a zero gradient) into the logits")


# ---- the head and the model ---------------------------------------------------------------------


@pytest.mark.points(3)
def test_mlm_head_shares_the_given_embedding(lab):
    """MLMHead(embedding) uses the embedding's own weight: values loaded into the embedding afterwards change its logits."""
    embedding = lab.get("torch.nn").Embedding(V, 12)
    head = lab.MLMHead(embedding)
    sd = head.state_dict()
    check(set(sd) == {"dense.weight", "dense.bias", "norm.weight", "norm.bias", "decoder.weight", "decoder.bias"},
          "MLMHead's state_dict keys should be dense.*, norm.*, decoder.weight and decoder.bias")
    new_weight = torch.randn(V, 12, generator=gen(43))
    embedding.load_state_dict({"weight": new_weight})
    hidden = torch.randn(2, 5, 12, generator=gen(44))
    sd = head.state_dict()
    transformed = F.layer_norm(F.gelu(F.linear(hidden, sd["dense.weight"], sd["dense.bias"])), (12,), sd["norm.weight"], sd["norm.bias"], eps=1e-5)
    assert_close(head.transform(hidden), transformed, atol=1e-5, rtol=1e-5, what="MLMHead.transform (dense, exact GELU, LayerNorm)")
    assert_close(head(hidden), transformed @ new_weight.T + sd["decoder.bias"], atol=1e-5, rtol=1e-5,
                 what="logits after new values were loaded into the embedding (the decoder must share its weight)")


@pytest.mark.points(3)
def test_masked_lm_layout_and_initialisation(lab):
    """MaskedLM's defaults (d_model 32, max_len 64), N(0, 1) token embeddings without padding_idx, learned positions."""
    lab.manual_seed(5)
    m = lab.MaskedLM(V)
    sd = m.state_dict()
    check(tuple(sd["token_embedding.weight"].shape) == (V, 32), "token_embedding.weight should be (vocab_size, 32) by default")
    check(tuple(sd["position_embedding.weight"].shape) == (64, 32), "position_embedding.weight should be (max_len, d_model) = (64, 32) by default")
    check(m.token_embedding.padding_idx is None, "the token embedding should have no padding_idx")
    big = lab.MaskedLM(400, d_model=16, max_len=8).state_dict()["token_embedding.weight"].double()
    check(abs(float(big.mean())) < 0.05 and 0.9 < float(big.std()) < 1.1,
          "token embeddings should keep PyTorch's N(0, 1) initialisation (not BERT's std 0.02)")
    check(m.weights_tied() is True, "weights_tied() should be True for a fresh model")


@pytest.mark.points(4)
def test_encoder_ignores_padding_and_is_bidirectional(lab):
    """Padded positions never change real positions' logits (bool or int mask); every position sees later tokens; seq <= max_len."""
    m = small_model(lab)
    ids = torch.randint(5, V, (2, 10), generator=gen(45))
    attention = torch.ones(2, 10, dtype=torch.long)
    attention[0, 6:] = 0
    attention[1, 9:] = 0
    logits = m(ids, attention)
    other = ids.clone()
    other[0, 6:] = torch.randint(5, V, (4,), generator=gen(46))
    other[1, 9] = (ids[1, 9] + 3) % V
    real = attention.bool()
    assert_close(m(other, attention)[real], logits[real], atol=1e-5, rtol=1e-5, what="logits of real positions after changing padded ids")
    assert_close(m(ids, attention.bool())[real], logits[real], atol=1e-6, rtol=1e-6, what="logits with a bool attention mask")
    changed = ids.clone()
    changed[:, 5] = (ids[:, 5] + 1) % V
    check(not torch.allclose(m(changed, attention)[:, 0], logits[:, 0], atol=1e-6), "position 0 does not depend on later tokens: the encoder must be bidirectional")
    full = torch.randint(5, V, (1, 24), generator=gen(47))
    check(tuple(m(full).shape) == (1, 24, V), "a sequence of exactly max_len tokens should work")
    with pytest.raises(ValueError):
        m.encode(torch.randint(5, V, (1, 25), generator=gen(48)))


@pytest.mark.points(3)
def test_dropout_and_training_mode(lab):
    """dropout=0 (default) is deterministic even in training mode; dropout > 0 is random in training mode and off in eval mode."""
    ids = torch.randint(5, V, (2, 12), generator=gen(49))
    m = lab.MaskedLM(V, d_model=16, num_heads=2, num_layers=1, dim_feedforward=32, max_len=24)
    m.train()
    assert_close(m(ids), m(ids), atol=0, rtol=0, what="two training-mode forward passes with dropout=0")
    d = lab.MaskedLM(V, d_model=16, num_heads=2, num_layers=1, dim_feedforward=32, max_len=24, dropout=0.3)
    d.train()
    check(not torch.equal(d(ids), d(ids)), "with dropout=0.3 two training-mode forward passes should differ")
    d.eval()
    assert_close(d(ids), d(ids), atol=0, rtol=0, what="two eval-mode forward passes with dropout=0.3")


# ---- training: seeded, one AdamW for the run -------------------------------------------------------


def tiny_corpus(n: int = 32, seq: int = 10):
    tokens = torch.randint(5, V, (n,), generator=gen(50))
    return torch.cat([torch.full((n, 1), CLS), tokens[:, None].expand(n, seq - 2), torch.full((n, 1), SEP)], 1)


def tiny_model(lab, seed: int = 0):
    lab.manual_seed(seed)
    return lab.MaskedLM(V, d_model=16, num_heads=2, num_layers=1, dim_feedforward=32, max_len=12)


@pytest.mark.points(3)
def test_train_mlm_is_seeded(lab):
    """train_mlm with the same seed (and the same initial model) gives the same losses and weights; another seed differs."""
    corpus = tiny_corpus()
    kw = dict(mask_id=MASK, special_ids=SPECIAL, pad_id=PAD, steps=4, batch_size=8, lr=1e-2)
    a, b, c = tiny_model(lab), tiny_model(lab), tiny_model(lab)
    la = lab.train_mlm(a, corpus, **kw, seed=3)
    lb = lab.train_mlm(b, corpus, **kw, seed=3)
    lc = lab.train_mlm(c, corpus, **kw, seed=4)
    check(len(la) == 4 and all(isinstance(x, float) for x in la), "train_mlm should return one Python float per step")
    assert_equal_floats = la == lb
    check(assert_equal_floats, "the same seed should give the same losses")
    sa, sb = a.state_dict(), b.state_dict()
    check(all(torch.equal(sa[k], sb[k]) for k in sa), "the same seed should give the same trained weights")
    check(la != lc, "another seed should give other losses")


def adam_grid_share(before: dict, after: dict, lr: float, steps: int) -> tuple[float, int]:
    """Share of moved parameter entries whose displacement (weight decay undone) is a whole multiple of lr (0..steps)."""
    on_grid, moved = 0, 0
    for name, p0 in before.items():
        if name == "head.decoder.weight":
            continue  # the tied matrix, counted once
        d = (p0.double() * (1 - lr * 0.01) ** steps - after[name].double()).abs().flatten() / lr
        nonzero = d > 0.05
        nearest = d.round()
        on_grid += int((nonzero & ((d - nearest).abs() < 2e-3)).sum())
        moved += int(nonzero.sum())
    return on_grid / max(moved, 1), moved


@pytest.mark.points(4)
def test_train_mlm_uses_one_adamw(lab):
    """train_mlm takes AdamW steps of size lr (weight decay 0.01): one step moves each entry by lr; a second step, with the same optimiser, does not."""
    corpus = tiny_corpus()
    kw = dict(mask_id=MASK, special_ids=SPECIAL, pad_id=PAD, batch_size=8, lr=1e-2, seed=5)
    m = tiny_model(lab, seed=1)
    before = {k: v.clone() for k, v in m.state_dict().items()}
    lab.train_mlm(m, corpus, steps=1, **kw)
    share, moved = adam_grid_share(before, m.state_dict(), 1e-2, 1)
    check(moved > 1000 and share > 0.9, "one AdamW(lr) step should move every trained entry by lr (after its weight decay of 0.01)")
    m = tiny_model(lab, seed=1)
    lab.train_mlm(m, corpus, steps=2, **kw)
    share, moved = adam_grid_share(before, m.state_dict(), 1e-2, 2)
    check(moved > 1000 and share < 0.5, "the second step moved every entry by exactly lr: keep one AdamW for the whole run")


@pytest.mark.points(2)
def test_train_mlm_with_padding(lab):
    """train_mlm takes an attention mask and pad_id (padded rows): finite losses, eval mode afterwards."""
    corpus = tiny_corpus()
    attention = torch.ones_like(corpus)
    attention[::2, 6:] = 0
    padded = corpus.clone()
    padded[::2, 6:] = PAD
    m = tiny_model(lab, seed=2)
    losses = lab.train_mlm(m, padded, mask_id=MASK, special_ids=[CLS, SEP, UNK, MASK], attention_mask=attention, pad_id=PAD,
                           steps=3, batch_size=40, lr=1e-2, seed=6)
    check(len(losses) == 3 and all(isinstance(x, float) and math.isfinite(x) for x in losses), "train_mlm with padding should return finite losses")
    check(m.training is False, "the model should be left in eval mode after training")


# ---- the encoder's input, fresh masks per step, defaults ----------------------------------------


@pytest.mark.points(3)
def test_encode_adds_token_and_position_embeddings(lab):
    """encode sees token_embedding(ids) + position_embedding(positions): adding c to every token row and subtracting it
    from every position row leaves the hidden states unchanged."""
    m = small_model(lab)
    sd = {k: v.clone() for k, v in m.state_dict().items()}
    c = torch.randn(16, generator=gen(60))
    shifted = dict(sd)
    shifted["token_embedding.weight"] = sd["token_embedding.weight"] + c
    shifted["head.decoder.weight"] = shifted["token_embedding.weight"]
    shifted["position_embedding.weight"] = sd["position_embedding.weight"] - c
    other = small_model(lab)
    other.load_state_dict(shifted)
    ids = torch.randint(5, V, (2, 9), generator=gen(61))
    assert_close(other.encode(ids), m.encode(ids), atol=1e-4, rtol=1e-4, what="encode after moving c from the position rows to the token rows")
    moved = dict(sd)
    moved["position_embedding.weight"] = sd["position_embedding.weight"] + c
    other.load_state_dict(moved)
    check(not torch.allclose(other.encode(ids), m.encode(ids), atol=1e-4), "encode does not depend on the position embeddings")


@pytest.mark.points(2)
def test_train_mlm_draws_fresh_masks_every_step(lab):
    """With lr = 0 (the model never changes) and one corpus row, the losses still differ between steps: each step masks anew (seed 0 too)."""
    corpus = tiny_corpus(1, 12)
    for seed in (0, 9):
        m = tiny_model(lab, seed=3)
        before = {k: v.clone() for k, v in m.state_dict().items()}
        losses = lab.train_mlm(m, corpus, mask_id=MASK, special_ids=SPECIAL, steps=8, batch_size=4, lr=0.0, seed=seed)
        check(len(set(losses)) > 2, f"with lr=0 every step gave (nearly) the same loss (seed={seed}): draw a fresh masking seed for each step")
        after = m.state_dict()
        check(all(torch.equal(before[k], after[k]) for k in before), "with lr=0 the weights should not change")


@pytest.mark.points(3)
def test_default_arguments(lab):
    """MaskedLM's and train_mlm's documented defaults (d_model 32, 2 heads, 2 layers, feed-forward 64, max_len 64, dropout 0;
    100 steps, batch 16, lr 3e-3, seed 0) are the ones used."""
    default = lab.MaskedLM(V).state_dict()
    explicit = lab.MaskedLM(V, d_model=32, num_heads=2, num_layers=2, dim_feedforward=64, max_len=64, dropout=0.0).state_dict()
    check({k: tuple(v.shape) for k, v in default.items()} == {k: tuple(v.shape) for k, v in explicit.items()},
          "MaskedLM's default sizes are not the documented ones")
    m = lab.MaskedLM(V, d_model=16, num_layers=1, dim_feedforward=32, max_len=16)
    ids = torch.randint(5, V, (2, 10), generator=gen(62))
    m.train()
    train_out = m(ids)
    m.eval()
    assert_close(m(ids), train_out, atol=1e-6, rtol=1e-6, what="training-mode logits with the default dropout (0)")
    corpus = tiny_corpus(12, 10)
    a, b = tiny_model(lab, seed=4), tiny_model(lab, seed=4)
    la = lab.train_mlm(a, corpus, mask_id=MASK, special_ids=SPECIAL)
    lb = lab.train_mlm(b, corpus, mask_id=MASK, special_ids=SPECIAL, steps=100, batch_size=16, lr=3e-3, seed=0)
    check(len(la) == 100, "train_mlm should take 100 steps by default")
    check(la == lb, "train_mlm's defaults are not the documented ones (steps=100, batch_size=16, lr=3e-3, seed=0)")
