"""Hidden tests for lab 25 (perplexity, sliding-window evaluation, bits per byte).

Oracles:

* ``GPT2LMHeadModel(input_ids, labels=...).loss`` (eval mode) wherever the
  lab's computation is the model's own loss: one window, one document,
  a batch of labels, consecutive chunks;
* a brute-force sum written here for the sliding windows: every token's
  log-probability from its own forward pass over exactly the context the
  docstring gives it (never the reference's loop);
* ``F.cross_entropy`` in float64, ``math.exp`` and ``math.log`` for the
  metrics, and UTF-8 byte counts of texts with 2-, 3- and 4-byte characters.

The models are tiny GPT-2s with seeded random weights of a scale at which
the context matters, and dropout 0.2 in the config, so that evaluating in
training mode shows. The suite runs in seconds on a CPU.
"""

from __future__ import annotations

import math
import time

import pytest
import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

from autograder.testing import assert_close, check

torch.set_num_threads(1)  # tiny tensors: one thread is faster and steadier on a shared machine

V = 60
CFG = {"vocab_size": V, "n_positions": 24, "n_embd": 32, "n_layer": 2, "n_head": 2, "resid_pdrop": 0.2, "embd_pdrop": 0.2,
           "attn_pdrop": 0.2, "bos_token_id": 0, "eos_token_id": 0}
SMALL = dict(CFG, n_positions=12, n_layer=1, n_embd=16)
LN2 = math.log(2)
TEXT = "Größe: naïve café — 東京で寿司 😀! Ünïcödé ümläuts, ÆØÅ œ, ß."


# ---- helpers -----------------------------------------------------------------------------------------------------


def make_oracle(config: dict, seed: int, scale: float = 0.3) -> GPT2LMHeadModel:
    """A GPT-2 with seeded random weights (LayerNorm weights around 1), in eval mode."""
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(GPT2Config(**config))
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            p.copy_(1 + 0.1 * noise if name.split(".")[-2].startswith("ln") and name.endswith("weight") else scale * noise)
    return model.eval()


def state(model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def ids(seed: int, n: int, high: int = V) -> torch.Tensor:
    return torch.randint(0, high, (n,), generator=torch.Generator().manual_seed(seed))


@torch.no_grad()
def model_loss(oracle, seq) -> float:
    """The model's own mean loss of one sequence (eval mode)."""
    seq = torch.as_tensor(seq)[None]
    return float(oracle(seq, labels=seq).loss)


@torch.no_grad()
def brute_force(oracle, seq, max_length: int, stride: int) -> tuple[float, int]:
    """Each token p >= 1 from its own forward pass over the context its window gives it."""
    seq = torch.as_tensor(seq)
    total = 0.0
    for p in range(1, len(seq)):
        k = 0
        while k * stride + max_length <= p:  # the first window that reaches past p scores it
            k += 1
        context = seq[k * stride : p]
        logp = F.log_softmax(oracle(context[None]).logits[0, -1].double(), -1)
        total -= float(logp[seq[p]])
    return total, max(len(seq) - 1, 0)


def check_pair(got, expected, what: str, rtol: float = 1e-5, atol: float = 1e-4) -> None:
    check(isinstance(got, (tuple, list)) and len(got) == 2, f"{what} should return a pair (total, count)")
    total, count = got
    check(isinstance(count, int) and not isinstance(count, bool), f"{what}: the count should be a Python int")
    check(isinstance(total, float), f"{what}: the total should be a Python float")
    check(count == expected[1], f"{what}: wrong number of scored tokens ({count})")
    assert_close(total, expected[0], atol=atol, rtol=rtol, what=f"{what}: the summed NLL")


@pytest.fixture(scope="module")
def oracle():
    return make_oracle(CFG, 0)


@pytest.fixture(scope="module")
def model(lab, oracle):
    """The student's build_gpt2 of the oracle's weights (kept in eval mode by the tests that share it)."""
    return lab.build_gpt2(CFG, state(oracle))


@pytest.fixture(scope="module")
def small():
    return make_oracle(SMALL, 5)


# ---- 1. build_gpt2 --------------------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_build_gpt2(lab, oracle):
    """build_gpt2 loads the given state_dict strictly, returns the model in eval mode, and honours the config."""
    model = lab.build_gpt2(CFG, state(oracle))
    check(model.training is False, "build_gpt2 should return the model in eval mode")
    got = model.state_dict()
    check(set(got) == set(oracle.state_dict()), "build_gpt2's model has other state_dict keys than GPT2LMHeadModel")
    for key, value in oracle.state_dict().items():
        check(torch.equal(got[key], value), "build_gpt2 did not load the given weights")
    fresh = lab.build_gpt2(SMALL)
    check(fresh.training is False, "build_gpt2 without a state_dict should also be in eval mode")
    check(fresh.config.n_layer == 1 and fresh.config.n_positions == 12, "build_gpt2 ignored the config")
    with pytest.raises((RuntimeError, ValueError, KeyError)):  # load_state_dict(strict=True) raises RuntimeError
        lab.build_gpt2(CFG, {"transformer.wte.weight": torch.zeros(V, 32)})


# ---- 2. sum_nll ------------------------------------------------------------------------------------------------------


@pytest.mark.points(5)
def test_sum_nll_matches_gpt2_loss(lab, oracle):
    """sum_nll of GPT-2's logits: total / count is the model's loss for the same labels, count the scored labels."""
    batch = torch.stack([ids(1, 16), ids(2, 16), ids(3, 16)])
    labels = batch.clone()
    labels[0, 10:] = -100
    labels[1, :4] = -100
    labels[2, 7] = -100
    with torch.no_grad():
        out = oracle(batch, labels=labels)
    for lab_labels, what in ((labels, "labels with -100"), (batch, "labels equal to the inputs")):
        with torch.no_grad():
            loss = float(oracle(batch, labels=lab_labels).loss)
        count = int((lab_labels[:, 1:] != -100).sum())
        check_pair(lab.sum_nll(out.logits, lab_labels), (loss * count, count), f"sum_nll with {what}")


@pytest.mark.points(3)
def test_sum_nll_shift_and_ignore(lab):
    """sum_nll scores labels[t + 1] with logits[t]: the first label and the last logits are never used; only -100 is skipped."""
    g = torch.Generator().manual_seed(7)
    logits = torch.randn(2, 6, 9, generator=g) * 3
    labels = torch.randint(0, 9, (2, 6), generator=g)
    labels[0, 2] = 0
    labels[1, 3] = -100
    kept = labels[:, 1:] != -100
    expected = F.cross_entropy(logits[:, :-1].double()[kept], labels[:, 1:][kept], reduction="sum")
    check_pair(lab.sum_nll(logits, labels), (float(expected), int(kept.sum())), "sum_nll")
    changed_logits, changed_labels = logits.clone(), labels.clone()
    changed_logits[:, -1] = torch.randn(2, 9, generator=g) * 5
    changed_labels[:, 0] = torch.tensor([-100, 4])
    check_pair(lab.sum_nll(changed_logits, changed_labels), (float(expected), int(kept.sum())),
               "sum_nll after changing the last position's logits and the first position's labels (never used)")


@pytest.mark.points(3)
def test_sum_nll_large_logits_and_dtypes(lab):
    """sum_nll stays finite and exact for logits of magnitude 1e4 (float32), and accepts float64 and bfloat16."""
    g = torch.Generator().manual_seed(3)
    labels = torch.randint(0, 11, (2, 8), generator=g)
    kept = labels[:, 1:] != -100
    for scale, dtype in ((1e4, torch.float32), (3e3, torch.float64), (2.0, torch.bfloat16), (1.0, torch.float64)):
        logits = (torch.randn(2, 8, 11, generator=g) * scale).to(dtype)
        expected = F.cross_entropy(logits[:, :-1].double().flatten(0, 1), labels[:, 1:].flatten(), reduction="sum")
        got = lab.sum_nll(logits, labels)
        check(math.isfinite(got[0]), f"sum_nll of {dtype} logits of magnitude {scale:g} is not finite")
        check_pair(got, (float(expected), int(kept.sum())), f"sum_nll of {dtype} logits of magnitude {scale:g}",
                   rtol=1e-5 if dtype != torch.bfloat16 else 1e-2, atol=1e-3)


@pytest.mark.points(2)
def test_sum_nll_edge_cases_and_errors(lab):
    """sum_nll gives (0.0, 0) for length 1 and for all-ignored labels, and raises ValueError for shapes that do not fit."""
    logits = torch.randn(2, 1, 5)
    check_pair(lab.sum_nll(logits, torch.tensor([[1], [2]])), (0.0, 0), "sum_nll of length 1")
    labels = torch.tensor([[3, -100, -100], [4, -100, -100]])
    check_pair(lab.sum_nll(torch.randn(2, 3, 5), labels), (0.0, 0), "sum_nll with every shifted label -100")
    long = {"dtype": torch.long}
    for bad_logits, bad_labels in ((torch.randn(2, 3, 5), torch.zeros(2, 4, **long)),
                                   (torch.randn(6, 5), torch.zeros(2, 3, **long)),
                                   (torch.randn(2, 3), torch.zeros(2, 3, **long)),
                                   (torch.randn(2, 3, 5, 1), torch.zeros(2, 3, **long)),
                                   (torch.randn(2, 3, 5), torch.zeros(3, 3, **long)),
                                   (torch.randn(2, 3, 5), torch.zeros(1, 5, **long)),
                                   (torch.randn(1, 5, 5), torch.zeros(2, 3, **long))):
        with pytest.raises(ValueError):
            lab.sum_nll(bad_logits, bad_labels)


# ---- 3. perplexity and bits_per_byte -------------------------------------------------------------------------


@pytest.mark.points(3)
def test_perplexity_values(lab):
    """perplexity is exp(total / count) as a float: 1.0 for a zero total, inf (no error) when exp overflows."""
    for total, count in ((34.5, 10), (0.0, 3), (1.0, 1), (7000.0, 10), (12.25, 7)):
        got = lab.perplexity(total, count)
        check(isinstance(got, float), "perplexity should return a Python float")
        assert_close(got, math.exp(total / count), rtol=1e-9, atol=0, what=f"perplexity({total}, {count})")
    for total, count in ((7200.0, 10), (1e6, 3), (1e300, 1)):
        check(lab.perplexity(total, count) == math.inf, f"perplexity({total}, {count}) should be inf")


@pytest.mark.points(2)
def test_perplexity_errors(lab):
    """perplexity raises ValueError for no tokens (0 or fewer) and for a negative total."""
    check(lab.perplexity(2.0, 1) > 1.0, "a valid call should succeed")
    for total, count in ((1.0, 0), (0.0, 0), (1.0, -2), (-0.5, 4)):
        with pytest.raises(ValueError):
            lab.perplexity(total, count)


@pytest.mark.points(4)
def test_bits_per_byte_counts_utf8_bytes(lab):
    """bits_per_byte converts nats to bits (/ ln 2) and divides by the UTF-8 bytes of the text (str or bytes)."""
    for text in ("hello world", "café", "東京", "😀 ok", TEXT):
        n = len(text.encode("utf-8"))
        for total in (0.0, 17.25, 1234.5):
            got = lab.bits_per_byte(total, text)
            check(isinstance(got, float), "bits_per_byte should return a Python float")
            assert_close(got, total / (LN2 * n), rtol=1e-9, atol=1e-12, what=f"bits_per_byte of a {len(text)}-character text")
    data = TEXT.encode("utf-8")
    assert_close(lab.bits_per_byte(99.0, data), 99.0 / (LN2 * len(data)), rtol=1e-9, atol=0, what="bits_per_byte of bytes")
    assert_close(lab.bits_per_byte(5.0, b"\xff\xfe\x00"), 5.0 / (LN2 * 3), rtol=1e-9, atol=0, what="bits_per_byte of 3 raw bytes")


@pytest.mark.points(1)
def test_bits_per_byte_errors(lab):
    """bits_per_byte raises ValueError for an empty text (str or bytes) and a negative total."""
    check(lab.bits_per_byte(1.0, "a") > 0, "a valid call should succeed")
    for total, text in ((1.0, ""), (1.0, b""), (-1.0, "abc")):
        with pytest.raises(ValueError):
            lab.bits_per_byte(total, text)


# ---- 4. sliding_window_nll ---------------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("n, max_length, stride", [(15, 24, 5), (24, 24, 12), (9, 10, 9)],
                         ids=["shorter_than_window", "exactly_one_window", "short_text_large_stride"])
def test_single_window_equals_model_loss(lab, model, oracle, n, max_length, stride):
    """When the text fits in one window, sliding_window_nll's total / count is the model's own loss."""
    seq = ids(10 + n, n)
    expected = model_loss(oracle, seq)
    check_pair(lab.sliding_window_nll(model, seq, max_length=max_length, stride=stride), (expected * (n - 1), n - 1),
               f"sliding_window_nll of {n} tokens, max_length={max_length}, stride={stride}")


@pytest.mark.points(5)
@pytest.mark.parametrize("n, max_length, stride", [(47, 10, 4), (40, 8, 1), (61, 12, 5), (50, 16, 7)],
                         ids=["tail_left_over", "stride_one", "stride_divides", "long_windows"])
def test_sliding_window_matches_brute_force(lab, model, oracle, n, max_length, stride):
    """sliding_window_nll scores each token once, with the context of the first window that holds it (brute force)."""
    seq = ids(100 + n, n)
    check_pair(lab.sliding_window_nll(model, seq, max_length=max_length, stride=stride),
               brute_force(oracle, seq, max_length, stride), f"sliding_window_nll of {n} tokens, max_length={max_length}, stride={stride}")


@pytest.mark.points(3)
def test_sliding_window_largest_stride_is_chunked_loss(lab, model, oracle):
    """With stride = max_length - 1 the windows share one token, and the total is the sum of the chunks' model losses."""
    seq, L = ids(33, 38), 9
    expected, start = 0.0, 0
    while start < len(seq) - 1:
        chunk = seq[start : start + L]
        expected += model_loss(oracle, chunk) * (len(chunk) - 1)
        start += L - 1
    check_pair(lab.sliding_window_nll(model, seq, max_length=L, stride=L - 1), (expected, len(seq) - 1),
               "sliding_window_nll with stride = max_length - 1")


@pytest.mark.points(3)
def test_sliding_window_defaults(lab, small):
    """max_length defaults to the model's n_positions and stride to max_length // 2; lists of ints are accepted."""
    model = lab.build_gpt2(SMALL, state(small))
    seq = ids(44, 31)
    check_pair(lab.sliding_window_nll(model, seq), brute_force(small, seq, 12, 6), "sliding_window_nll with the defaults")
    check_pair(lab.sliding_window_nll(model, seq.tolist(), max_length=7), brute_force(small, seq, 7, 3),
               "sliding_window_nll of a list of ints with max_length=7 and the default stride")
    check_pair(lab.sliding_window_nll(model, seq[:20], stride=11), brute_force(small, seq[:20], 12, 11),
               "sliding_window_nll with stride=11 and the default max_length")


@pytest.mark.points(3)
def test_sliding_window_short_sequences(lab, model, oracle):
    """Sequences of 0 and 1 tokens give (0.0, 0); 2 tokens score one token; a window of 2 tokens works."""
    check_pair(lab.sliding_window_nll(model, torch.tensor([], dtype=torch.long), max_length=8, stride=4), (0.0, 0),
               "sliding_window_nll of an empty sequence")
    check_pair(lab.sliding_window_nll(model, [5], max_length=8, stride=4), (0.0, 0), "sliding_window_nll of one token")
    check_pair(lab.sliding_window_nll(model, [5, 17], max_length=8, stride=4), brute_force(oracle, [5, 17], 8, 4),
               "sliding_window_nll of two tokens")
    seq = ids(8, 13)
    check_pair(lab.sliding_window_nll(model, seq, max_length=2, stride=1), brute_force(oracle, seq, 2, 1),
               "sliding_window_nll with max_length=2, stride=1")


@pytest.mark.points(3)
def test_sliding_window_bos_token(lab, model, oracle):
    """bos_token_id is put in front, so every original token is scored (count N), also across several windows."""
    seq = ids(9, 20)
    for bos, L, s in ((0, 24, 12), (59, 8, 3)):
        with_bos = torch.cat([torch.tensor([bos]), seq])
        check_pair(lab.sliding_window_nll(model, seq, max_length=L, stride=s, bos_token_id=bos),
                   brute_force(oracle, with_bos, L, s), f"sliding_window_nll with bos_token_id={bos}, max_length={L}, stride={s}")
    check_pair(lab.sliding_window_nll(model, [], max_length=8, stride=3, bos_token_id=4), (0.0, 0),
               "sliding_window_nll of an empty sequence with a bos token")
    check_pair(lab.sliding_window_nll(model, [7], max_length=8, stride=3, bos_token_id=4), brute_force(oracle, [4, 7], 8, 3),
               "sliding_window_nll of one token with a bos token")


@pytest.mark.points(3)
def test_sliding_window_errors(lab, model):
    """sliding_window_nll raises ValueError for a stride outside 1 .. max_length - 1, max_length outside 2 .. n_positions, 2-D ids."""
    seq = ids(1, 30)
    check(lab.sliding_window_nll(model, seq, max_length=24, stride=23)[1] == 29, "a valid call should succeed")
    for kwargs in ({"max_length": 8, "stride": 8}, {"max_length": 8, "stride": 9}, {"max_length": 8, "stride": 0},
                   {"max_length": 8, "stride": -1}, {"max_length": 1, "stride": 1}, {"max_length": 25, "stride": 4},
                   {"max_length": 0, "stride": 1}, {"stride": 24}, {"max_length": 4, "stride": 4}):
        with pytest.raises(ValueError):
            lab.sliding_window_nll(model, seq, **kwargs)
    with pytest.raises(ValueError):
        lab.sliding_window_nll(model, [5], max_length=8, stride=0)
    for bad in (seq[None], torch.tensor(5)):
        with pytest.raises(ValueError):
            lab.sliding_window_nll(model, bad, max_length=8, stride=4)
    with pytest.raises(TypeError):  # max_length and stride are keyword-only
        lab.sliding_window_nll(model, seq, 8, 4)


@pytest.mark.points(4)
def test_sliding_window_in_train_mode(lab, oracle):
    """A model in training mode is evaluated with dropout off and left in training mode; repeated calls agree."""
    model = lab.build_gpt2(CFG, state(oracle))
    model.train()
    seq = ids(77, 35)
    expected = brute_force(oracle, seq, 12, 5)
    check_pair(lab.sliding_window_nll(model, seq, max_length=12, stride=5), expected,
               "sliding_window_nll of a model in training mode (dropout must be off)")
    check(model.training is True, "sliding_window_nll should leave a model that was in training mode in training mode")
    check_pair(lab.sliding_window_nll(model, seq, max_length=12, stride=5), expected, "a second call of sliding_window_nll")
    model.eval()
    check_pair(lab.sliding_window_nll(model, seq, max_length=12, stride=5), expected, "sliding_window_nll in eval mode")
    check(model.training is False, "sliding_window_nll should leave a model in eval mode in eval mode")


@pytest.mark.points(2)
def test_sliding_window_one_pass_per_window(lab, model, oracle):
    """sliding_window_nll runs the model once per window, not once per token (a generous time bound)."""
    seq, L, s = ids(500, 1500), 24, 20
    start = time.perf_counter()
    _, count = lab.sliding_window_nll(model, seq, max_length=L, stride=s)
    elapsed = time.perf_counter() - start
    check(count == len(seq) - 1, "sliding_window_nll of 1500 tokens should score 1499")
    start = time.perf_counter()
    with torch.no_grad():
        begin = 0
        while True:
            F.log_softmax(oracle(seq[None, begin : begin + L]).logits.double(), -1)
            if begin + L >= len(seq):
                break
            begin += s
    oracle_s = time.perf_counter() - start
    budget = 4 * oracle_s + 0.5
    check(elapsed <= budget, f"sliding_window_nll of 1500 tokens (max_length=24, stride=20) took {elapsed:.2f} s, "
          f"more than {budget:.2f} s: the model should run once per window")


# ---- 5. batched_nll ------------------------------------------------------------------------------------------------------


DOCS = [ids(200, 9).tolist(), [0, 0, 5, 0, 7], ids(201, 24).tolist(), [3, 4], [], ids(202, 17).tolist(), [9],
        ids(203, 3).tolist(), [0, 11, 0]]


def docs_expected(oracle, docs) -> tuple[float, int]:
    total = sum(model_loss(oracle, d) * (len(d) - 1) for d in docs if len(d) > 1)
    return total, sum(max(len(d) - 1, 0) for d in docs)


@pytest.mark.points(7)
def test_batched_matches_per_document_loss(lab, model, oracle):
    """batched_nll sums each document's own model loss over its tokens (padding not scored), for any batch size."""
    expected = docs_expected(oracle, DOCS)
    for batch_size in (4, 1, 2, 100):
        check_pair(lab.batched_nll(model, DOCS, batch_size=batch_size), expected, f"batched_nll with batch_size={batch_size}")
    check_pair(lab.batched_nll(model, [torch.tensor(d, dtype=torch.long) for d in DOCS[:4]]), docs_expected(oracle, DOCS[:4]),
               "batched_nll of tensors with the default batch size")


@pytest.mark.points(2)
def test_batched_other_pad_id(lab, model, oracle):
    """batched_nll pads with pad_token_id, and a real token equal to pad_token_id is scored."""
    docs = [[7, 7, 1, 2, 7], [7, 3], ids(5, 14).tolist(), [8, 7, 7, 7]]
    expected = docs_expected(oracle, docs)
    for pad in (7, 59, 0):
        check_pair(lab.batched_nll(model, docs, batch_size=3, pad_token_id=pad), expected, f"batched_nll with pad_token_id={pad}")


@pytest.mark.points(3)
def test_batched_edge_cases_and_errors(lab, model, oracle):
    """batched_nll of no documents, of empty and one-token documents, of a full-length document; its errors."""
    check_pair(lab.batched_nll(model, []), (0.0, 0), "batched_nll of no documents")
    check_pair(lab.batched_nll(model, [[], [4], []], batch_size=1), (0.0, 0), "batched_nll of empty and one-token documents")
    docs = [[], ids(6, 24).tolist(), [5]]
    check_pair(lab.batched_nll(model, docs, batch_size=1), docs_expected(oracle, docs), "batched_nll with a document of n_positions tokens")
    with pytest.raises(ValueError):
        lab.batched_nll(model, [ids(6, 25).tolist()])
    with pytest.raises(ValueError):
        lab.batched_nll(model, [[1, 2, 3]], batch_size=0)
    with pytest.raises(TypeError):  # batch_size and pad_token_id are keyword-only
        lab.batched_nll(model, [[1, 2, 3]], 2)


@pytest.mark.points(3)
def test_batched_in_train_mode(lab, oracle):
    """batched_nll evaluates a model in training mode with dropout off and leaves it in training mode."""
    model = lab.build_gpt2(CFG, state(oracle))
    model.train()
    check_pair(lab.batched_nll(model, DOCS[:6], batch_size=3), docs_expected(oracle, DOCS[:6]),
               "batched_nll of a model in training mode (dropout must be off)")
    check(model.training is True, "batched_nll should leave a model that was in training mode in training mode")
    model.eval()
    check_pair(lab.batched_nll(model, DOCS[:6], batch_size=3), docs_expected(oracle, DOCS[:6]), "batched_nll in eval mode")
    check(model.training is False, "batched_nll should leave a model in eval mode in eval mode")


# ---- 6. evaluate --------------------------------------------------------------------------------------------------


def char_ids(text: str) -> list[int]:
    """A tiny character tokenizer: one id per character (so tokens, characters and bytes all differ in number)."""
    vocab = {c: i + 1 for i, c in enumerate(sorted(set(TEXT + "ab")))}
    return [vocab[c] % V for c in text]


def check_report(got, total: float, count: int, text, what: str) -> None:
    check(isinstance(got, dict) and set(got) >= {"nll", "tokens", "loss", "perplexity", "bits_per_byte"},
          f"{what}: evaluate should return a dict with nll, tokens, loss, perplexity and bits_per_byte")
    check(got["tokens"] == count and isinstance(got["tokens"], int), f"{what}: wrong tokens")
    assert_close(got["nll"], total, rtol=1e-5, atol=1e-4, what=f"{what}: nll")
    assert_close(got["loss"], total / count, rtol=1e-5, atol=1e-6, what=f"{what}: loss")
    assert_close(got["perplexity"], math.exp(total / count), rtol=1e-5, atol=0, what=f"{what}: perplexity")
    n_bytes = len(text.encode("utf-8")) if isinstance(text, str) else len(text)
    assert_close(got["bits_per_byte"], total / (LN2 * n_bytes), rtol=1e-5, atol=1e-7, what=f"{what}: bits_per_byte")


@pytest.mark.points(6)
def test_evaluate_report(lab, model, oracle):
    """evaluate reports nll, tokens, loss, perplexity and bits per UTF-8 byte of a multi-byte text, from sliding windows."""
    tokens = char_ids(TEXT)
    total, count = brute_force(oracle, tokens, 16, 5)
    check_report(lab.evaluate(model, tokens, TEXT, max_length=16, stride=5), total, count, TEXT, "evaluate(max_length=16, stride=5)")
    total, count = brute_force(oracle, tokens, 24, 12)
    check_report(lab.evaluate(model, torch.tensor(tokens), TEXT.encode("utf-8")), total, count, TEXT,
                 "evaluate with the default window, tensor ids and bytes text")


@pytest.mark.points(3)
def test_evaluate_options(lab, model, oracle):
    """evaluate passes bos_token_id, max_length and stride on to the sliding windows."""
    text = "naïve café 東京"
    tokens = char_ids(text)
    total, count = brute_force(oracle, [3] + tokens, 6, 2)
    check_report(lab.evaluate(model, tokens, text, max_length=6, stride=2, bos_token_id=3), total, count, text,
                 "evaluate(max_length=6, stride=2, bos_token_id=3)")
    total, count = brute_force(oracle, [0, 1], 24, 12)
    check_report(lab.evaluate(model, [1], "a", bos_token_id=0), total, count, "a", "evaluate of one token with a bos token")


@pytest.mark.points(2)
def test_evaluate_errors(lab, model):
    """evaluate raises ValueError when no token is scored, for an empty text, and for a stride that is too large."""
    check(lab.evaluate(model, [1, 2], "ab")["tokens"] == 1, "a valid call should succeed")
    for tokens, text, kwargs in (([1], "a", {}), ([], "", {}), ([1, 2], "", {}), ([1, 2, 3], "abc", {"max_length": 4, "stride": 4})):
        with pytest.raises(ValueError):
            lab.evaluate(model, tokens, text, **kwargs)
    with pytest.raises(TypeError):  # max_length, stride and bos_token_id are keyword-only
        lab.evaluate(model, [1, 2, 3], "abc", 8, 4)
