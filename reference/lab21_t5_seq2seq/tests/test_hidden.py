"""Hidden tests for lab 21 (T5 text-to-text, seq2seq loss and decoding, BART noise).

Oracles:

* formatting and batches: expected strings and tensors written out here,
  and ``T5ForConditionalGeneration._shift_right`` for the decoder inputs;
* loss and training: ``T5ForConditionalGeneration(...).loss`` and
  ``F.cross_entropy``; the stated AdamW procedure re-run here on a copy of
  the model, compared to tolerances;
* decoding: ``model.generate(num_beams=..., do_sample=False)`` on tiny T5
  models built from a config with seeded weights (the eos row of the output
  layer scaled up so that hypotheses end at different lengths);
* noise: the stated distributions, simulated here with numpy (never the
  reference's random-number order), plus exact invariants.

Every model is tiny, so the suite runs in seconds on a CPU.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from transformers import T5Config, T5ForConditionalGeneration

from autograder.testing import assert_close, check

torch.set_num_threads(1)  # tiny tensors: one thread is faster and steadier on a shared machine

V = 64
CFG = dict(vocab_size=V, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2, num_heads=4,
           dropout_rate=0.0, tie_word_embeddings=False, decoder_start_token_id=0)
TIED = dict(CFG, tie_word_embeddings=True, num_decoder_layers=1, d_ff=48)
PREFIXES = {
    "translate_en_de": "translate English to German:",
    "translate_en_fr": "translate English to French:",
    "translate_en_ro": "translate English to Romanian:",
    "summarize": "summarize:",
    "cola": "cola sentence:",
    "sst2": "sst2 sentence:",
}


# ---- helpers -------------------------------------------------------------------------------------------------


def make_oracle(config: dict, seed: int, scale: float = 0.3, eos_boost: float = 1.0) -> T5ForConditionalGeneration:
    """A T5 with seeded random weights (LayerNorm weights around 1); the eos row of lm_head scaled by eos_boost."""
    torch.manual_seed(seed)
    model = T5ForConditionalGeneration(T5Config(**config))
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            p.copy_(1 + 0.1 * noise if "layer_norm" in name else scale * noise)
        if not config.get("tie_word_embeddings", True):
            model.lm_head.weight[1] *= eos_boost
    return model.eval()


def state(model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def ids(seed: int, shape, low: int = 2, high: int = V) -> torch.Tensor:
    return torch.randint(low, high, shape, generator=torch.Generator().manual_seed(seed))


# decoding models: (seed, scale, eos boost), chosen so that hypotheses end at many lengths and the
# length penalty and early stopping change the result
DECODERS = {"A": (0, 0.3, 4.0), "C": (3, 0.3, 4.0), "D": (8, 0.3, 2.5), "E": (15, 0.3, 2.0)}


@pytest.fixture(scope="module")
def decoders(lab):
    """name -> (oracle, the student's build_t5 of the same weights, source ids)."""
    out = {}
    for name, (seed, scale, boost) in DECODERS.items():
        oracle = make_oracle(CFG, seed, scale, boost)
        out[name] = (oracle, lab.build_t5(CFG, state(oracle)), ids(seed + 100, (6,)))
    return out


def hf_generate(oracle, source, **kwargs) -> list[tuple[list[int], float | None]]:
    kwargs.setdefault("decoder_start_token_id", 0)
    eos = kwargs.setdefault("eos_token_id", 1)
    out = oracle.generate(source[None], do_sample=False, output_scores=True, return_dict_in_generate=True, **kwargs)
    scores = out.sequences_scores if kwargs.get("num_beams", 1) > 1 else [None] * len(out.sequences)
    result = []
    for seq, score in zip(out.sequences, scores):
        tokens = seq[1:].tolist()
        if eos in tokens:
            tokens = tokens[: tokens.index(eos) + 1]
        result.append((tokens, None if score is None else float(score)))
    return result


def worker_generator(lab, seed: int):
    return lab.get("torch").Generator().manual_seed(seed)


def simulate_span_mask(n: int, ratio: float, lam: float, reps: int, seed: int):
    """The stated text-infilling distribution, simulated: (span counts k, masked indicator per position)."""
    rng = np.random.default_rng(seed)
    m = round(ratio * n)
    ks, masked = np.zeros(reps), np.zeros((reps, n))
    for r in range(reps):
        lengths = []
        while sum(lengths) < m:
            lengths.append(min(int(rng.poisson(lam)), m - sum(lengths)))
        k = len(lengths)
        slots = set(rng.choice(n - m + k, size=k, replace=False).tolist())
        pos, span = 0, 0
        for slot in range(n - m + k):
            if slot in slots:
                masked[r, pos : pos + lengths[span]] = 1
                pos += lengths[span]
                span += 1
            else:
                pos += 1
        ks[r] = k
    return ks, masked


def analyse_span_mask(out, n: int, mask_id: int, first: int = 10):
    """Check the invariants of one output of span_mask on tokens first..first+n-1; return (k, masked indicator)."""
    out = list(out)
    kept = [t for t in out if t != mask_id]
    check(all(isinstance(t, int) for t in out), "span_mask should return a list of Python ints")
    check(all(first <= t < first + n for t in kept), "span_mask output holds a token that is neither an input token nor mask_id")
    check(all(a < b for a, b in zip(kept, kept[1:])), "the unmasked tokens must keep their order (and appear once)")
    masked = np.ones(n)
    masked[[t - first for t in kept]] = 0
    return out.count(mask_id), masked


# ---- 1. format_example -------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_format_example_prefixes(lab):
    """TASK_PREFIXES holds T5's prefixes, and format_example puts one space between prefix and text."""
    got = lab.get("TASK_PREFIXES")
    check(dict(got) == PREFIXES, "TASK_PREFIXES differs from the prefixes the docstring's module lists")
    for task, prefix in PREFIXES.items():
        out = lab.format_example(task, "The house is wonderful.")
        check(out == prefix + " The house is wonderful.", f"format_example({task!r}, 'The house is wonderful.') is wrong: {out!r}")


@pytest.mark.points(3)
def test_format_example_whitespace(lab):
    """format_example strips the text and collapses runs of whitespace (spaces, tabs, newlines) to one space."""
    cases = {
        "  Long   text. ": "summarize: Long text.",
        "a\tb\n\nc": "summarize: a b c",
        "\n Straße,  café:\tOK? ": "summarize: Straße, café: OK?",
        "x": "summarize: x",
        "UPPER lower": "summarize: UPPER lower",
    }
    for text, expected in cases.items():
        out = lab.format_example("summarize", text)
        check(out == expected, f"format_example('summarize', {text!r}) should be {expected!r}, got {out!r}")
    out = lab.format_example("sst2", " it was  great ")
    check(out == "sst2 sentence: it was great", f"format_example('sst2', ' it was  great ') is wrong: {out!r}")


@pytest.mark.points(2)
def test_format_example_errors(lab):
    """format_example raises ValueError for an unknown task (names are case-sensitive) and for an empty text."""
    check(lab.format_example("cola", "ok") == "cola sentence: ok", "a valid call should succeed")
    for task, text in (("translate", "hi"), ("Summarize", "hi"), ("summarize:", "hi"), ("", "hi"),
                       ("summarize", ""), ("summarize", "  \n\t ")):
        with pytest.raises(ValueError):
            lab.format_example(task, text)


# ---- 2. shift_right and collate ---------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_shift_right_matches_t5(lab):
    """shift_right prepends the start token, drops the last label and turns -100 into the pad id, as T5 does."""
    oracle = make_oracle(TIED, 1)
    labels = ids(3, (4, 7))
    labels[0, 5:] = -100
    labels[1, 1:] = -100
    labels[2, 3] = 0
    labels[3, 6] = -100
    original = labels.clone()
    out = lab.shift_right(labels)
    check(out.dtype == torch.long and tuple(out.shape) == (4, 7), f"shift_right should keep shape (4, 7) and dtype long, got {tuple(out.shape)} {out.dtype}")
    check(torch.equal(out, oracle._shift_right(labels)), "shift_right(labels) differs from T5ForConditionalGeneration._shift_right")
    check(torch.equal(labels, original), "shift_right changed its input")
    out = lab.shift_right(labels, 5, 3)
    expected = torch.cat([torch.full((4, 1), 5), original[:, :-1]], 1)
    expected[expected == -100] = 3
    check(torch.equal(out, expected), "shift_right(labels, decoder_start_token_id=5, pad_token_id=3) is wrong")
    start = torch.tensor([[-100, 4, 6]])
    check(torch.equal(lab.shift_right(start, 7, 2), torch.tensor([[7, 2, 4]])), "a -100 label must become the pad id in the decoder input")


@pytest.mark.points(2)
def test_shift_right_edge_cases(lab):
    """shift_right of length-1 and length-0 labels, and ValueError for labels that are not 2-D."""
    check(torch.equal(lab.shift_right(torch.tensor([[9], [-100]]), 4, 0), torch.tensor([[4], [4]])), "length-1 labels should give the start token only")
    empty = lab.shift_right(torch.zeros(3, 0, dtype=torch.long))
    check(tuple(empty.shape) == (3, 0), f"labels of shape (3, 0) should give shape (3, 0), got {tuple(empty.shape)}")
    for bad in (torch.tensor([4, 5, 6]), torch.ones(2, 3, 4, dtype=torch.long)):
        with pytest.raises(ValueError):
            lab.shift_right(bad)


@pytest.mark.points(4)
def test_collate(lab):
    """collate pads sources with the pad id (mask 0) and targets with -100; decoder inputs are the shifted labels."""
    oracle = make_oracle(TIED, 1)
    sources = [[5, 6, 7, 1], [8, 1], [9, 10, 11, 12, 13, 1]]
    targets = [[20, 1], [21, 0, 22, 23, 1], [24, 1]]
    out = lab.collate(sources=sources, targets=targets)
    check(set(out) == {"input_ids", "attention_mask", "labels", "decoder_input_ids"}, f"collate should return the four keys, got {sorted(out)}")
    exp_ids = torch.tensor([[5, 6, 7, 1, 0, 0], [8, 1, 0, 0, 0, 0], [9, 10, 11, 12, 13, 1]])
    exp_mask = (exp_ids != 0).long()
    exp_labels = torch.tensor([[20, 1, -100, -100, -100], [21, 0, 22, 23, 1], [24, 1, -100, -100, -100]])
    for key, expected in (("input_ids", exp_ids), ("attention_mask", exp_mask), ("labels", exp_labels),
                          ("decoder_input_ids", oracle._shift_right(exp_labels))):
        got = out[key]
        check(got.dtype == torch.long, f"{key} should be torch.long, got {got.dtype}")
        check(tuple(got.shape) == tuple(expected.shape), f"{key} should have shape {tuple(expected.shape)}, got {tuple(got.shape)}")
        check(torch.equal(got, expected), f"{key} is wrong (a pad id that is part of a target stays a label; only padding becomes -100)")
    one = lab.collate([(4, 4)], [(0,)])
    check(torch.equal(one["labels"], torch.tensor([[0]])) and torch.equal(one["decoder_input_ids"], torch.tensor([[0]])),
          "collate of one example with a one-token target is wrong")


@pytest.mark.points(1)
def test_collate_other_ids(lab):
    """collate uses pad_token_id for source padding and decoder inputs, and decoder_start_token_id first."""
    out = lab.collate([[5], [6, 7, 8]], [[9, 10, 11], [12]], pad_token_id=3, decoder_start_token_id=7)
    check(torch.equal(out["input_ids"], torch.tensor([[5, 3, 3], [6, 7, 8]])), "input_ids with pad_token_id=3 are wrong")
    check(torch.equal(out["attention_mask"], torch.tensor([[1, 0, 0], [1, 1, 1]])), "attention_mask is wrong")
    check(torch.equal(out["labels"], torch.tensor([[9, 10, 11], [12, -100, -100]])), "labels must be padded with -100 whatever the pad id")
    check(torch.equal(out["decoder_input_ids"], torch.tensor([[7, 9, 10], [7, 12, 3]])), "decoder_input_ids with start 7 and pad 3 are wrong")


@pytest.mark.points(3)
def test_collate_errors(lab):
    """collate raises ValueError for an empty batch, a length mismatch and an empty source or target."""
    big = lab.collate([[5]] * 300, [[6, 1]] * 300)
    check(tuple(big["labels"].shape) == (300, 2), "a batch of 300 examples should give labels of shape (300, 2)")
    with pytest.raises(ValueError):
        lab.collate([[5]] * 300, [[6, 1]] * 301)
    for sources, targets in (([], []), ([[1]], [[2], [3]]), ([[1], [2]], [[3]]), ([[]], [[1]]), ([[1]], [[]]),
                             ([[1], [2]], [[3], []])):
        with pytest.raises(ValueError):
            lab.collate(sources, targets)


# ---- 3. loss -------------------------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_loss_matches_t5(lab):
    """seq2seq_loss of T5's logits and padded labels equals T5ForConditionalGeneration's loss."""
    oracle = make_oracle(TIED, 5, scale=0.5)
    sources = [ids(10 + i, (n,)).tolist() + [1] for i, n in enumerate((3, 7, 5))]
    targets = [ids(20 + i, (n,)).tolist() + [1] for i, n in enumerate((1, 6, 3))]
    batch = lab.collate(sources, targets)
    with torch.no_grad():
        out = oracle(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"])
    loss = lab.seq2seq_loss(out.logits, batch["labels"])
    check(loss.dim() == 0, f"the loss should be a 0-d tensor, got shape {tuple(loss.shape)}")
    assert_close(loss, out.loss, atol=1e-5, rtol=1e-5, what="the loss against T5ForConditionalGeneration's")


@pytest.mark.points(3)
def test_loss_is_a_mean_over_tokens(lab):
    """The loss is one mean over all counted tokens (not per sequence); only -100 is skipped, pad ids count."""
    g = torch.Generator().manual_seed(6)
    logits = torch.randn(3, 6, 11, generator=g) * 3
    labels = torch.randint(0, 11, (3, 6), generator=g)
    labels[0, 1:] = -100
    labels[1, :] = 0
    labels[2, 4:] = -100
    expected = F.cross_entropy(logits.reshape(-1, 11), labels.reshape(-1), ignore_index=-100)
    assert_close(lab.seq2seq_loss(logits, labels), expected, atol=1e-5, rtol=1e-5, what="the loss with rows of 1, 6 and 4 counted tokens")
    full = torch.randint(0, 11, (3, 6), generator=g)
    expected = F.cross_entropy(logits.reshape(-1, 11), full.reshape(-1))
    assert_close(lab.seq2seq_loss(logits, full), expected, atol=1e-5, rtol=1e-5, what="the loss without ignored labels")


@pytest.mark.points(2)
def test_loss_large_logits_and_float64(lab):
    """seq2seq_loss stays finite for logits of magnitude 1e4 and keeps float64."""
    g = torch.Generator().manual_seed(7)
    logits = torch.randn(2, 5, 9, generator=g) * 1e4
    labels = torch.randint(0, 9, (2, 5), generator=g)
    labels[1, 3:] = -100
    expected = F.cross_entropy(logits.reshape(-1, 9), labels.reshape(-1), ignore_index=-100)
    assert_close(lab.seq2seq_loss(logits, labels), expected, atol=1e-2, rtol=1e-5, what="the loss for logits of magnitude 1e4")
    loss = lab.seq2seq_loss(logits.double(), labels)
    check(loss.dtype == torch.float64, f"float64 logits should give a float64 loss, got {loss.dtype}")
    assert_close(loss, F.cross_entropy(logits.double().reshape(-1, 9), labels.reshape(-1)), atol=1e-6, rtol=1e-9, what="the float64 loss")


@pytest.mark.points(3)
def test_loss_gradient(lab):
    """The gradient of seq2seq_loss with respect to the logits is F.cross_entropy's (zero at -100 positions)."""
    g = torch.Generator().manual_seed(8)
    logits = torch.randn(3, 4, 7, generator=g, dtype=torch.float64)
    labels = torch.randint(0, 7, (3, 4), generator=g)
    labels[0, 2:] = -100
    labels[2, 0] = -100
    result = lab.vjp(lab.seq2seq_loss, logits, labels, grad_output=torch.tensor(1.5, dtype=torch.float64))
    leaf = logits.clone().requires_grad_(True)
    (1.5 * F.cross_entropy(leaf.reshape(-1, 7), labels.reshape(-1), ignore_index=-100)).backward()
    assert_close(result.grads[0], leaf.grad, atol=1e-9, rtol=1e-7, what="the gradient with respect to the logits")


@pytest.mark.points(2)
def test_loss_errors(lab):
    """seq2seq_loss raises ValueError for shapes that do not fit and for labels that are all -100."""
    logits = torch.randn(2, 3, 5)
    labels = torch.tensor([[1, 2, -100], [-100, -100, -100]])
    check(bool(torch.isfinite(lab.seq2seq_loss(logits, labels))), "a valid call should give a finite loss")
    for bad_logits, bad_labels in ((logits, torch.full((2, 3), -100)), (logits, labels[:, :2]), (logits[0], labels[0]),
                                   (logits, labels[:1]), (logits.reshape(6, 5), labels.reshape(6)),
                                   (logits, labels.reshape(3, 2)), (logits.reshape(3, 2, 5), labels),
                                   (logits[None], labels[None]), (logits[..., 0], labels), (logits[..., None], labels)):
        with pytest.raises(ValueError):
            lab.seq2seq_loss(bad_logits, bad_labels)


# ---- 4. build_t5 and fine_tune -------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_build_t5(lab):
    """build_t5 loads the given state_dict, returns the model in eval mode, and builds random weights without one."""
    oracle = make_oracle(TIED, 11)
    model = lab.build_t5(TIED, state(oracle))
    check(model.training is False, "build_t5 should return the model in eval mode")
    got = model.state_dict()
    check(set(got) == set(oracle.state_dict()), "build_t5's model has other state_dict keys than T5ForConditionalGeneration")
    for key, value in oracle.state_dict().items():
        check(torch.equal(got[key], value), f"{key} was not loaded from the state_dict")
    fresh = lab.build_t5(TIED)
    check(fresh.training is False, "build_t5 without a state_dict should also be in eval mode")
    check(fresh.config.d_model == 32 and fresh.config.num_decoder_layers == 1, "build_t5 ignored the config")
    with pytest.raises(Exception):
        lab.build_t5(TIED, {"shared.weight": torch.zeros(V, 32)})


def fine_tune_batches():
    batches = []
    for b, (n_src, n_tgt) in enumerate(((4, 3), (6, 2), (3, 5))):
        sources = [ids(40 + 3 * b + i, (n_src - i,)).tolist() + [1] for i in range(3)]
        targets = [ids(60 + 3 * b + i, (n_tgt + i,)).tolist() + [1] for i in range(3)]
        batches.append((sources, targets))
    return batches


def oracle_fine_tune(oracle, batches, epochs, lr):
    optimizer = torch.optim.AdamW(oracle.parameters(), lr=lr)
    oracle.train()
    losses = []
    for _ in range(epochs):
        for batch in batches:
            out = oracle(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"])
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            losses.append(out.loss.item())
    return losses


@pytest.mark.points(5)
def test_fine_tune_matches_reference_run(lab):
    """fine_tune's losses and final weights match a run of the stated AdamW procedure with T5's own loss."""
    oracle = make_oracle(TIED, 12)
    model = lab.build_t5(TIED, state(oracle))
    batches = [lab.collate(s, t) for s, t in fine_tune_batches()]
    losses = lab.fine_tune(model=model, batches=batches, epochs=2, lr=3e-3)
    expected = oracle_fine_tune(oracle, batches, 2, 3e-3)
    check(len(losses) == 6, f"2 epochs of 3 batches should give 6 losses, got {len(losses)}")
    check(all(isinstance(x, float) for x in losses), "the losses should be Python floats")
    assert_close(torch.tensor(losses), torch.tensor(expected), atol=1e-4, rtol=1e-4, what="the losses of every step")
    check(expected[-1] < expected[0], "(test sanity) the reference run should learn")
    got = model.state_dict()
    for key, value in oracle.state_dict().items():
        assert_close(got[key], value, atol=2e-4, rtol=1e-3, what=f"{key} after training")
    check(model.training is False, "fine_tune should leave the model in eval mode")


@pytest.mark.points(2)
def test_fine_tune_uses_training_mode(lab):
    """fine_tune trains in training mode (dropout on), then leaves the model in eval mode; one epoch by default."""
    config = dict(TIED, dropout_rate=0.5)
    oracle = make_oracle(config, 13)
    batches = [lab.collate(s, t) for s, t in fine_tune_batches()[:1]]
    with torch.no_grad():
        b = batches[0]
        eval_loss = oracle(input_ids=b["input_ids"], attention_mask=b["attention_mask"], labels=b["labels"]).loss.item()
    lab.manual_seed(0)
    model = lab.build_t5(config, state(oracle))
    losses = lab.fine_tune(model, batches, lr=1e-3)
    check(len(losses) == 1, f"the default is one epoch: one batch should give one loss, got {len(losses)}")
    check(abs(losses[0] - eval_loss) > 1e-3, "the first loss equals the eval-mode loss: fine_tune should call model.train() (dropout on)")
    check(model.training is False, "fine_tune should leave the model in eval mode")


@pytest.mark.points(1)
def test_fine_tune_errors(lab):
    """fine_tune raises ValueError for no batches or epochs < 1, and changes nothing then."""
    oracle = make_oracle(TIED, 14)
    model = lab.build_t5(TIED, state(oracle))
    batches = [lab.collate([[5, 1]], [[6, 1]])]
    for bad_batches, epochs in (([], 1), (batches, 0), (batches, -1)):
        with pytest.raises(ValueError):
            lab.fine_tune(model, bad_batches, epochs=epochs)
    check(torch.equal(model.state_dict()["shared.weight"], oracle.state_dict()["shared.weight"]), "a failed fine_tune changed the weights")
    losses = lab.fine_tune(model, batches)
    expected = oracle_fine_tune(oracle, batches, 1, 1e-3)
    assert_close(torch.tensor(losses), torch.tensor(expected), atol=1e-5, rtol=1e-5, what="the loss with the defaults")
    assert_close(model.state_dict()["shared.weight"], oracle.state_dict()["shared.weight"], atol=1e-6, rtol=1e-5, what="the weights after one step with the default lr=1e-3")


# ---- 5. decoding ---------------------------------------------------------------------------------------------------


@pytest.mark.points(1)
@pytest.mark.parametrize("name", sorted(DECODERS))
def test_greedy_matches_generate(lab, decoders, name):
    """greedy_decode gives generate(do_sample=False, num_beams=1)'s tokens, eos included, cut at max_new_tokens."""
    oracle, model, source = decoders[name]
    for max_new in (10, 3, 1):
        expected = hf_generate(oracle, source, max_new_tokens=max_new)[0][0]
        got = lab.greedy_decode(model=model, input_ids=source, max_new_tokens=max_new)
        check(list(got) == expected, f"greedy_decode(max_new_tokens={max_new}) differs from generate's tokens (model {name})")
    for other in (ids(7, (9,)), ids(8, (1,))):
        expected = hf_generate(oracle, other, max_new_tokens=6)[0][0]
        check(list(lab.greedy_decode(model, other, max_new_tokens=6)) == expected,
              f"greedy_decode differs from generate for a source of {len(other)} tokens (model {name})")


@pytest.mark.points(2)
def test_decoding_other_special_ids(lab):
    """greedy_decode and beam_search use the given decoder_start_token_id and eos_token_id (here 280, vocabulary 300)."""
    config = dict(CFG, vocab_size=300, d_model=16, d_ff=32, num_layers=1, num_decoder_layers=1, num_heads=2)
    oracle = make_oracle(config, 21)
    with torch.no_grad():
        oracle.lm_head.weight[280] *= 4
    model = lab.build_t5(config, state(oracle))
    source = ids(5, (5,))
    ids_kw = dict(decoder_start_token_id=5, eos_token_id=int("280"))
    expected = hf_generate(oracle, source, max_new_tokens=8, **ids_kw)[0][0]
    check(list(lab.greedy_decode(model, source, max_new_tokens=8, **ids_kw)) == expected,
          "greedy_decode with decoder_start_token_id=5 and another eos_token_id differs from generate")
    kwargs = dict(num_beams=3, max_new_tokens=8, num_return_sequences=3, **ids_kw)
    expected = hf_generate(oracle, source, **kwargs)
    got = lab.beam_search(model, source, **kwargs)
    check([list(t) for t, _ in got] == [t for t, _ in expected], "beam_search with decoder_start_token_id=5 and another eos_token_id differs from generate")
    assert_close(torch.tensor([s for _, s in got]), torch.tensor([s for _, s in expected]), atol=1e-4, rtol=1e-5, what="the scores with other special ids")


@pytest.mark.points(1)
def test_greedy_errors(lab, decoders):
    """greedy_decode raises ValueError for a 2-D or empty source and for max_new_tokens < 1."""
    _, model, source = decoders["A"]
    lab.greedy_decode(model, source, max_new_tokens=1)
    for bad, max_new in ((source[None], 3), (source[:0], 3), (source[0], 3), (source, 0)):
        with pytest.raises(ValueError):
            lab.greedy_decode(model, bad, max_new_tokens=max_new)


BEAM_CASES = {
    "A_k4_lp0_two": ("A", dict(num_beams=4, max_new_tokens=10, length_penalty=0.0, early_stopping=False, num_return_sequences=2)),
    "A_k4_lp_neg": ("A", dict(num_beams=4, max_new_tokens=10, length_penalty=-1.0, early_stopping=False, num_return_sequences=4)),
    "A_k3_short": ("A", dict(num_beams=3, max_new_tokens=3, length_penalty=1.0, early_stopping=False, num_return_sequences=3)),
    "C_k4_lp2": ("C", dict(num_beams=4, max_new_tokens=10, length_penalty=2.0, early_stopping=False, num_return_sequences=4)),
    "C_k2_default": ("C", dict(num_beams=2, max_new_tokens=10)),
    "D_k4_default_stopping": ("D", dict(num_beams=4, max_new_tokens=10, num_return_sequences=4)),
    "D_k3_lp2": ("D", dict(num_beams=3, max_new_tokens=10, length_penalty=2.0, early_stopping=False, num_return_sequences=3)),
    "A_k24": ("A", dict(num_beams=24, max_new_tokens=3, length_penalty=1.0, num_return_sequences=5)),
    "D_k4_lp1_early": ("D", dict(num_beams=4, max_new_tokens=10, length_penalty=1.0, early_stopping=True, num_return_sequences=4)),
    "E_k3_lp2_early": ("E", dict(num_beams=3, max_new_tokens=10, length_penalty=2.0, early_stopping=True, num_return_sequences=3)),
    "E_k4_lp1": ("E", dict(num_beams=4, max_new_tokens=10, length_penalty=1.0, early_stopping=False, num_return_sequences=4)),
}


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(BEAM_CASES))
def test_beam_search_matches_generate(lab, decoders, case):
    """beam_search gives generate(num_beams=..., do_sample=False)'s sequences and sequences_scores, best first."""
    name, kwargs = BEAM_CASES[case]
    oracle, model, source = decoders[name]
    expected = hf_generate(oracle, source, **kwargs)
    got = lab.beam_search(model=model, input_ids=source, **kwargs)
    check(len(got) == len(expected), f"beam_search should return {len(expected)} hypotheses, got {len(got)}")
    for rank, ((tokens, score), (exp_tokens, exp_score)) in enumerate(zip(got, expected)):
        check(list(tokens) == exp_tokens, f"hypothesis {rank} (best first) has other tokens than generate's")
        check(isinstance(score, float), f"the score of hypothesis {rank} should be a Python float")
        assert_close(torch.tensor(score), torch.tensor(exp_score), atol=1e-4, rtol=1e-5, what=f"the score of hypothesis {rank}")


@pytest.mark.points(3)
def test_beam_search_edge_cases_and_errors(lab, reference, decoders):
    """beam_search with one beam, one new token and a one-token source; ValueError for invalid arguments."""
    oracle, model, source = decoders["A"]
    check(len(lab.beam_search(model, source, num_beams=2, max_new_tokens=2, num_return_sequences=2)) == 2, "a valid call should succeed")
    for src, kwargs in ((source, dict(num_beams=3, max_new_tokens=1, num_return_sequences=3)),
                        (ids(9, (1,)), dict(num_beams=2, max_new_tokens=4, num_return_sequences=2))):
        expected = hf_generate(oracle, src, **kwargs)
        got = lab.beam_search(model, src, **kwargs)
        check([list(t) for t, _ in got] == [t for t, _ in expected], f"beam_search with {kwargs} on a {len(src)}-token source differs from generate")
        assert_close(torch.tensor([s for _, s in got]), torch.tensor([s for _, s in expected]), atol=1e-4, rtol=1e-5, what=f"the scores with {kwargs}")
    # generate switches to greedy search for num_beams=1, so the stated procedure is the oracle here
    for name in ("C", "D"):
        oracle, model, source = decoders[name]
        expected = reference.beam_search(oracle, source, num_beams=1, max_new_tokens=8)
        got = lab.beam_search(model, source, num_beams=1, max_new_tokens=8)
        check([list(t) for t, _ in got] == [t for t, _ in expected], f"beam_search with num_beams=1 does not follow the stated procedure (model {name})")
        assert_close(torch.tensor([s for _, s in got]), torch.tensor([s for _, s in expected]), atol=1e-4, rtol=1e-5, what="the score with num_beams=1")
    # more than 256 steps, cut by max_new_tokens (eos made very unlikely)
    config = dict(CFG, vocab_size=16, d_model=8, d_kv=4, d_ff=16, num_layers=1, num_decoder_layers=1, num_heads=2)
    oracle = make_oracle(config, 23)
    with torch.no_grad():
        oracle.lm_head.weight[1] *= -5
    long_model, long_source = lab.build_t5(config, state(oracle)), ids(5, (5,), high=16)
    kwargs = dict(num_beams=2, max_new_tokens=int("260"), num_return_sequences=2)
    expected = hf_generate(oracle, long_source, **kwargs)
    got = lab.beam_search(long_model, long_source, **kwargs)
    check([list(t) for t, _ in got] == [t for t, _ in expected], "beam_search with max_new_tokens=260 differs from generate")
    model, source = decoders["A"][1], decoders["A"][2]
    for bad, kwargs in ((source[None], {}), (source[:0], {}), (source, dict(num_beams=0, num_return_sequences=0)),
                        (source, dict(max_new_tokens=0)), (source, dict(num_return_sequences=0)),
                        (source, dict(num_return_sequences=3))):
        with pytest.raises(ValueError):
            lab.beam_search(model, bad, **{"num_beams": 2, "max_new_tokens": 2, **kwargs})


# ---- 6. BART noise ---------------------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_span_mask_invariants(lab):
    """span_mask keeps the unmasked tokens in order, masks exactly round(ratio * n) tokens, one mask per span."""
    g = worker_generator(lab, 1)
    for n, ratio, lam in ((40, 0.3, 3.0), (23, 0.5, 1.0), (12, 0.15, 6.0), (30, 1.0, 3.0)):
        tokens = list(range(10, 10 + n))
        outs = lab.map(lab.span_mask, [(tokens, 3, ratio, lam, g)] * 30)
        m = round(ratio * n)
        for out in outs:
            k, masked = analyse_span_mask(out, n, 3)
            check(masked.sum() == m, f"with n={n} and mask_ratio={ratio}, exactly round(mask_ratio * n) = {m} tokens should be masked, got {int(masked.sum())}")
            check(len(out) == n - m + k, "the output should hold the kept tokens and one mask per span, nothing else")
            check(k >= 1 and k <= len(out), "at least one span when something is masked")
        if ratio == 1.0:
            check(all(set(out) == {3} for out in outs), "mask_ratio=1 masks every token")
    out = lab.span_mask(list(range(10, 2010)), 3, 0.5, 1.0, g)
    k, masked = analyse_span_mask(out, 2000, 3)
    check(masked.sum() == 1000 and len(out) == 1000 + k and k > 300, "with n=2000, mask_ratio=0.5 and poisson_lambda=1, 1000 tokens should be masked in many spans")
    for out in lab.map(lab.span_mask, [(list(range(10, 18)), 3, 0.125, 2.0, g)] * 20):
        k, masked = analyse_span_mask(out, 8, 3)
        check(masked.sum() == 1 and len(out) == 7 + k, "with n=8 and mask_ratio=0.125 exactly one token is masked")
    for tokens, ratio in (([5, 6, 7, 8], 0.1), ([5, 6], 0.0), ([], 0.5)):
        out = lab.span_mask(tokens, 3, ratio, 3.0, g)
        check(list(out) == tokens, f"when round(mask_ratio * n) is 0 the tokens come back unchanged (n={len(tokens)}, ratio={ratio})")


@pytest.mark.parametrize("lam", [None, 0.5], ids=["default_lambda_3", "lambda_0.5"])
@pytest.mark.points(2)
def test_span_mask_span_counts(lab, lam):
    """The number of masks per output has the mean and variance that Poisson span lengths give (zero-length spans too)."""
    n, ratio, reps = 60, 0.3, 400
    if lam is None:  # the defaults mask_ratio=0.3 and poisson_lambda=3, torch's global generator
        lam = 3.0
        lab.manual_seed(2)
        outs = lab.map(lab.span_mask, [(list(range(10, 10 + n)), 3)] * reps)
    else:
        g = worker_generator(lab, 2)
        outs = lab.map(lab.span_mask, [(list(range(10, 10 + n)), 3, ratio, lam, g)] * reps)
    check(all(len(out) - out.count(3) == n - round(ratio * n) for out in outs), "exactly round(mask_ratio * n) tokens should be masked")
    ks = np.array([analyse_span_mask(out, n, 3)[0] for out in outs], dtype=float)
    sim_ks, _ = simulate_span_mask(n, ratio, lam, 4000, seed=int(lam * 10))
    tol = 5 * math.sqrt(sim_ks.var() / reps + sim_ks.var() / len(sim_ks))
    check(abs(ks.mean() - sim_ks.mean()) < tol, f"the mean number of masks per output ({ks.mean():.2f}) is off for poisson_lambda={lam}: span lengths should be Poisson(lambda), each span one mask, zero-length spans included")
    ratio_var = ks.var() / sim_ks.var()
    check(0.55 < ratio_var < 1.7, f"the number of masks varies too {'little' if ratio_var < 1 else 'much'} across draws for poisson_lambda={lam}: span lengths should be random Poisson(lambda) draws")
    check(len({tuple(out) for out in outs}) > reps // 2, "successive calls with one generator should give fresh draws")


@pytest.mark.points(3)
def test_span_mask_positions(lab):
    """Spans fall uniformly among the kept tokens: how often each position is masked matches the stated process."""
    n, ratio, lam, reps = 30, 0.3, 3.0, 500
    g = worker_generator(lab, 3)
    outs = lab.map(lab.span_mask, [(list(range(10, 10 + n)), 3, ratio, lam, g)] * reps)
    masked = np.stack([analyse_span_mask(out, n, 3)[1] for out in outs])
    _, sim = simulate_span_mask(n, ratio, lam, 4000, seed=4)
    for name, cols in (("the first token", [0]), ("the last token", [n - 1]), ("the first five tokens", range(5)),
                       ("the middle tokens", range(12, 18)), ("the last five tokens", range(n - 5, n))):
        cols = list(cols)
        p, q = masked[:, cols].mean(), sim[:, cols].mean()
        se = math.sqrt(q * (1 - q) / (reps * len(cols)) + q * (1 - q) / (4000 * len(cols)))
        check(abs(p - q) < 5 * se * (2 if len(cols) > 1 else 1) + 0.01, f"{name} are masked in {p:.1%} of the draws; the stated process masks them more or less often: spans should be placed uniformly")


@pytest.mark.points(2)
def test_span_mask_generator(lab):
    """span_mask draws only from the given generator: the same seed gives the same output, other seeds others."""
    tokens = list(range(10, 60))
    lab.manual_seed(0)
    first = lab.span_mask(tokens, 3, 0.3, 3.0, worker_generator(lab, 5))
    lab.manual_seed(1)
    again = lab.span_mask(tokens, 3, 0.3, 3.0, worker_generator(lab, 5))
    check(list(first) == list(again), "the same generator seed should give the same output, whatever the global seed")
    others = [tuple(lab.span_mask(tokens, 3, 0.3, 3.0, worker_generator(lab, s))) for s in range(6, 12)]
    check(len(set(others) | {tuple(first)}) >= 6, "different generator seeds should give different outputs")
    lab.manual_seed(2)
    a = lab.span_mask(tokens, 3, 0.3, 3.0)
    lab.manual_seed(2)
    check(list(lab.span_mask(tokens, 3, 0.3, 3.0)) == list(a), "without a generator, span_mask should draw from torch's global generator")


@pytest.mark.points(1)
def test_span_mask_errors(lab):
    """span_mask raises ValueError for mask_ratio outside [0, 1] and poisson_lambda <= 0."""
    g = worker_generator(lab, 6)
    lab.span_mask([5, 6, 7], 3, 1.0, 0.01, g)
    for ratio, lam in ((-0.1, 3.0), (1.01, 3.0), (0.3, 0.0), (0.3, -1.0)):
        with pytest.raises(ValueError):
            lab.span_mask([5, 6, 7], 3, ratio, lam, g)


def sentences_of(tokens, end_id):
    out = [[]]
    for t in tokens:
        out[-1].append(t)
        if t == end_id:
            out.append([])
    return [s for s in out if s]


@pytest.mark.points(3)
def test_permute_sentences_invariants(lab):
    """permute_sentences keeps every sentence intact (end token included) and the multiset of tokens."""
    g = worker_generator(lab, 7)
    doc = [10, 11, 2, 12, 2, 13, 14, 15, 2, 16, 17]
    original = sentences_of(doc, 2)
    seen = set()
    for out in lab.map(lab.permute_sentences, [(doc, 2, g)] * 400):
        out = list(out)
        check(sorted(out) == sorted(doc), "permute_sentences changed the multiset of tokens")
        got = []
        for first in (t for t in out if t in (10, 12, 13, 16)):
            start = out.index(first)
            sentence = next(s for s in original if s[0] == first)
            check(out[start : start + len(sentence)] == sentence, "a sentence was broken up or lost its end token")
            got.append(original.index(sentence))
        seen.add(tuple(got))
    check(len(seen) == 24, f"400 draws of 4 sentences should show all 24 orders (the trailing sentence without an end token moves too), saw {len(seen)}")
    for tokens in ([], [10, 11], [10, 2], [2, 2, 2]):
        out = lab.permute_sentences(tokens, 2, g)
        check(list(out) == tokens, f"permute_sentences({tokens}) should give the tokens back")
    check(len(set(tuple(lab.permute_sentences([5, 2, 6, 2], 2, g)) for _ in range(30))) == 2, "two sentences should come in both orders")
    big = [int(t) for t in "700 5 1000 900 1000 1200 3 1000 8".split()]
    outs = lab.map(lab.permute_sentences, [(big, int("1000"), g)] * 40)
    check(len({tuple(out) for out in outs}) > 6, "with end_id=1000 the sentences should be shuffled")
    for out in outs:
        out = list(out)
        intact = sorted(out) == sorted(big) and all(
            out[out.index(s[0]) : out.index(s[0]) + len(s)] == s for s in ([700, 5, 1000], [900, 1000], [1200, 3, 1000], [8]))
        check(intact, "with end_id=1000 (ids above and below it) the sentences were not kept intact")


@pytest.mark.points(4)
def test_permute_sentences_uniform(lab):
    """Every order of the sentences is equally likely (chi-square over 6000 draws of 3 sentences, 5 positions of 5)."""
    g = worker_generator(lab, 8)
    doc = [10, 2, 11, 12, 2, 13]
    counts = {}
    for out in lab.map(lab.permute_sentences, [(doc, 2, g)] * 6000):
        key = tuple(t for t in out if t in (10, 11, 13))
        counts[key] = counts.get(key, 0) + 1
    check(len(counts) == 6, f"3 sentences should come in all 6 orders, saw {len(counts)}")
    chi2 = sum((c - 1000) ** 2 / 1000 for c in counts.values())
    check(chi2 < 35, f"the 6 orders of 3 sentences are not equally likely (chi-square {chi2:.1f} with 5 degrees of freedom)")
    doc5 = [10, 2, 11, 2, 12, 2, 13, 2, 14, 2]
    positions = np.zeros((5, 5))
    for out in lab.map(lab.permute_sentences, [(doc5, 2, g)] * 2000):
        firsts = [t for t in out if t != 2]
        for pos, t in enumerate(firsts):
            positions[t - 10, pos] += 1
    chi2 = ((positions - 400) ** 2 / 400).sum()
    check(chi2 < 70, f"with 5 sentences, sentences do not land in each position equally often (chi-square {chi2:.1f}, 16 degrees of freedom)")


@pytest.mark.points(1)
def test_permute_sentences_generator(lab):
    """permute_sentences draws from the given generator (same seed, same order) or torch's global one."""
    doc = [10, 2, 11, 2, 12, 2, 13, 2, 14, 2, 15, 2]
    lab.manual_seed(0)
    a = lab.permute_sentences(doc, 2, worker_generator(lab, 9))
    lab.manual_seed(1)
    check(list(lab.permute_sentences(doc, 2, worker_generator(lab, 9))) == list(a), "the same generator seed should give the same order")
    outs = {tuple(lab.permute_sentences(doc, 2, worker_generator(lab, s))) for s in range(10, 16)}
    check(len(outs) >= 4, "different generator seeds should give different orders")
    lab.manual_seed(3)
    b = lab.permute_sentences(doc, 2)
    lab.manual_seed(3)
    check(list(lab.permute_sentences(doc, 2)) == list(b), "without a generator, draw from torch's global generator")
