"""Hidden tests for lab 09 (n-gram language models).

Expected values come from ``nltk.lm``, computed here in the trusted runner.
The one documented divergence (Kneser-Ney lower-order weights at the
all-``<s>`` context of models of order >= 3) is checked against nltk's
``KneserNey`` with that single weight corrected (``_KneserNeyContinuationGamma``).
Sampling is checked statistically, never against a particular random sequence.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

import pytest
from nltk.lm import MLE, KneserNeyInterpolated, Laplace, Lidstone, StupidBackoff, Vocabulary
from nltk.lm.models import InterpolatedLanguageModel
from nltk.lm.preprocessing import pad_both_ends, padded_everygram_pipeline
from nltk.lm.smoothing import KneserNey
from nltk.util import everygrams, ngrams

from autograder.testing import assert_close, assert_equal, check

BOS, EOS, UNK = "<s>", "</s>", "<UNK>"

TRAIN_TEXT = """\
the cat sat on the mat
the dog sat on the log
a cat saw the dog
the dog chased a cat
a bird sang
the cat ran to the old mat
the dog ate
a bird saw the old log
the bird chased the dog
a dog ran to the cat
the cat ate
the bird sang on the old log
"""
# word counts: 2 (sat mat saw chased sang ran to ate), 3 (on log old), 4 (bird), 5 (a), 6 (cat dog), 16 (the)
TRAIN = tuple(tuple(line.split()) for line in TRAIN_TEXT.splitlines())

# sentences of different lengths; every word is in the training vocabulary
TEST_SEEN = (("the", "cat", "sat"), ("a", "dog", "sat", "on", "the", "mat"), ("the", "bird", "ran", "to", "the", "dog"), ("a", "cat"))
# contains words never seen in training ("zebra", "quietly")
TEST_WITH_OOV = (("the", "zebra", "sat"), ("a", "cat", "sat", "quietly", "on", "the", "log"), ("the", "dog"))

TOL = dict(atol=1e-12, rtol=1e-9)


# ---- oracles -------------------------------------------------------------------------------------------


class _KneserNeyContinuationGamma(KneserNey):
    """nltk's KneserNey, except that the lower-order interpolation weight counts
    the distinct words w with a positive continuation count N1+(. h w) (the
    lab's spec) instead of the distinct raw followers of h. The two agree
    everywhere but at the all-<s> lower-order context of models of order >= 3."""

    def alpha_gamma(self, word, context):
        if len(context) + 1 == self._order:
            return super().alpha_gamma(word, context)
        continuation, total = self._continuation_counts(word, context)
        continuation_types = {
            w for prefix, fd in self.counts[len(context) + 2].items() if prefix[1:] == context for w, c in fd.items() if c > 0
        }
        return max(continuation - self.discount, 0.0) / total, self.discount * len(continuation_types) / total


@lru_cache(maxsize=None)
def oracle(kind: str, order: int, unk_cutoff: int = 1, param: float | None = None):
    """A fitted nltk model on TRAIN."""
    train, vocab_text = padded_everygram_pipeline(order, TRAIN)
    vocab = Vocabulary(unk_cutoff=unk_cutoff)
    if kind == "mle":
        model = MLE(order, vocabulary=vocab)
    elif kind == "laplace":
        model = Laplace(order, vocabulary=vocab)
    elif kind == "add_k":
        model = Lidstone(param, order, vocabulary=vocab)
    elif kind == "kneser_ney":
        model = KneserNeyInterpolated(order, discount=param, vocabulary=vocab)
    elif kind == "kneser_ney_spec":
        model = InterpolatedLanguageModel(
            _KneserNeyContinuationGamma, order, vocabulary=vocab, params={"discount": param, "order": order}
        )
    elif kind == "stupid_backoff":
        model = StupidBackoff(param, order, vocabulary=vocab)
    else:
        raise ValueError(kind)
    model.fit(train, vocab_text)
    return model


def oracle_counts(model) -> dict:
    """All n-gram counts of a fitted nltk model as {tuple: count}."""
    table = {(w,): c for w, c in model.counts.unigrams.items() if c > 0}
    for order in range(2, model.order + 1):
        for context, fd in list(model.counts[order].items()):
            table.update({context + (w,): c for w, c in fd.items() if c > 0})
    return table


def fresh(name: str) -> str:
    """A copy of ``name`` built at run time: a correct solution compares names with ``==``, never ``is``."""
    return "".join(list(name))


def fitted(lab, order: int, smoothing: str, **kwargs):
    lm = lab.NgramLM(order, fresh(smoothing), **kwargs)
    lm.fit([list(s) for s in TRAIN])
    return lm


def seen_contexts(order: int, unk_cutoff: int = 1) -> list[tuple[str, ...]]:
    """Every context of length order-1 that occurs in the training counts."""
    counts = oracle_counts(oracle("mle", order, unk_cutoff))
    return sorted({gram[:-1] for gram in counts if len(gram) == order})


def query_words(order: int, unk_cutoff: int = 1) -> list[str]:
    return sorted(oracle("mle", order, unk_cutoff).vocab) + ["zebra"]


def compare_scores(lab, lm, model, contexts, words, what: str) -> None:
    """lm.score(w, context) against the oracle for every context and word (in one
    batch of calls); the message names the first (context, word) that differs."""
    pairs = [(word, tuple(context)) for context in contexts for word in words]
    scores = lab.map(lm.score, [(word, list(context)) for word, context in pairs])
    for (word, context), got in zip(pairs, scores):
        assert_close(got, model.score(word, context), **TOL, what=f"{what} of {word!r} after {context}")


def padded_ngrams(sentences, order: int) -> list[tuple[str, ...]]:
    return [g for s in sentences for g in ngrams(list(pad_both_ends(s, n=order)), order)]


# ---- padding and counting -----------------------------------------------------------------------------


@pytest.mark.points(2)
def test_pad_sentence(lab):
    """pad_sentence adds order-1 <s> on the left and order-1 </s> on the right."""
    for sentence in (["the", "cat", "sat"], ["hello"], []):
        for order in (1, 2, 3, 4):
            expected = list(pad_both_ends(sentence, n=order))
            assert_equal(lab.pad_sentence(list(sentence), order), expected, what=f"pad_sentence({sentence}, {order})")
            assert_equal(lab.pad_sentence(tuple(sentence), order), expected, what=f"pad_sentence of a tuple {tuple(sentence)}, {order}")


@pytest.mark.points(1)
def test_everygrams_order_and_content(lab):
    """everygrams lists all n-grams of lengths 1..max_order by start position, then length."""
    tokens = ["<s>", "<s>", "a", "b", "a", "</s>", "</s>"]
    for max_order in (1, 2, 3, 5):
        expected = list(everygrams(tokens, max_len=max_order))
        assert_equal(lab.everygrams(tokens, max_order), expected, what=f"everygrams(..., {max_order})")
    assert_equal(lab.everygrams([], 2), [], what="everygrams of no tokens")
    assert_equal(lab.everygrams(["x", "y"], 4), [("x",), ("x", "y"), ("y",)], what="everygrams longer than the text")
    assert_equal(lab.everygrams(("x", "y", "z"), 2), [("x",), ("x", "y"), ("y",), ("y", "z"), ("z",)], what="everygrams of a tuple")


@pytest.mark.points(2)
@pytest.mark.parametrize("order", [2, 3])
def test_count_ngrams_matches_nltk(lab, order):
    """count_ngrams counts every n-gram of orders 1..n of the padded sentences."""
    sentences = [list(s) for s in TRAIN] + [[]]
    expected = dict(Counter(g for s in sentences for g in everygrams(list(pad_both_ends(s, n=order)), max_len=order)))
    assert_equal(lab.count_ngrams(sentences, order), expected, what=f"count_ngrams(order={order})")
    assert_equal(lab.count_ngrams(tuple(tuple(s) for s in sentences), order), expected, what=f"count_ngrams of tuples (order={order})")
    assert_equal(lab.count_ngrams([], order), {}, what="count_ngrams of no sentences")


# ---- vocabulary and <UNK> -----------------------------------------------------------------------------


@pytest.mark.points(1)
@pytest.mark.parametrize("unk_cutoff", [1, 3, 4])
def test_vocabulary_matches_nltk(lab, unk_cutoff):
    """The vocabulary holds the padded training words with count >= unk_cutoff, plus <UNK>."""
    for order in (2, 3):
        lm = fitted(lab, order, "mle", unk_cutoff=unk_cutoff)
        expected = sorted(oracle("mle", order, unk_cutoff).vocab)
        assert_equal(lm.vocabulary(), expected, what=f"vocabulary (order {order}, unk_cutoff {unk_cutoff})")


@pytest.mark.points(2)
def test_lookup_maps_rare_and_unseen_words_to_unk(lab):
    """lookup keeps vocabulary words and maps rare and unseen words to <UNK>."""
    lm = fitted(lab, 2, "mle", unk_cutoff=3)
    vocab = oracle("mle", 2, 3).vocab
    for word in ["the", "cat", "sat", "on", "bird", "old", "ate", "zebra", BOS, EOS, UNK]:
        assert_equal(lm.lookup(word), vocab.lookup(word), what=f"lookup({word!r}) with unk_cutoff=3")


@pytest.mark.points(2)
@pytest.mark.parametrize("order,unk_cutoff", [(2, 1), (3, 3)], ids=["bigram", "trigram_cutoff3"])
def test_model_counts_match_nltk(lab, order, unk_cutoff):
    """The model's n-gram counts (rare words mapped to <UNK>) equal nltk's."""
    lm = fitted(lab, order, "mle", unk_cutoff=unk_cutoff)
    expected = oracle_counts(oracle("mle", order, unk_cutoff))
    assert_equal(lm.counts(), expected, what="counts()")


@pytest.mark.points(2)
def test_unknown_words_score_as_unk(lab):
    """Unseen words, as the predicted word or in the context, are scored as <UNK>."""
    lm = fitted(lab, 3, "add_k", k=0.5, unk_cutoff=3)
    model = oracle("add_k", 3, 3, 0.5)
    # with unk_cutoff=3, "ate", "sat", "ran", "to" and "saw" (2 occurrences each) are <UNK> too
    cases = [
        ("zebra", ("the", "cat")),
        ("ate", ("the", "cat")),
        ("old", ("ran", "to")),
        ("the", ("saw", "zebra")),
        ("on", ("zebra", "sat")),
        ("zebra", ("quietly", "zebra")),
    ]
    for word, context in cases:
        assert_close(lm.score(word, list(context)), model.score(word, context), **TOL, what=f"score({word!r}, {context})")
        assert_close(
            lm.score(word, list(context)),
            lm.score(lm.lookup(word), [lm.lookup(w) for w in context]),
            **TOL,
            what=f"score({word!r}, {context}) vs the same with <UNK> written out",
        )


# ---- MLE ----------------------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("order", [2, 3], ids=["bigram", "trigram"])
def test_mle_scores_match_nltk(lab, order):
    """MLE probabilities equal nltk's MLE for every seen context and every word (shorter contexts included)."""
    lm = fitted(lab, order, "mle")
    model = oracle("mle", order)
    contexts = seen_contexts(order) + [(), ("the",), ("cat",), ("<s>",)]
    compare_scores(lab, lm, model, contexts, query_words(order), "MLE score")


@pytest.mark.points(2)
def test_mle_unseen_context_scores_zero(lab):
    """MLE gives 0.0 to every word after a context never seen in training."""
    lm = fitted(lab, 3, "mle")
    for context in (["mat", "the"], ["cat", "cat"], ["zebra", "sat"]):
        scores = [lm.score(w, context) for w in ["the", "cat", EOS, UNK]]
        assert_close(scores, [0.0] * 4, atol=0, rtol=0, what=f"MLE after unseen context {context}")


# ---- add-k --------------------------------------------------------------------------------------------

ADD_K_CASES = {
    "laplace_bigram": (2, "laplace", {}, ("laplace", 2, 1, None)),
    "add_half_trigram_cutoff3": (3, "add_k", {"k": 0.5, "unk_cutoff": 3}, ("add_k", 3, 3, 0.5)),
    "add_0.01_bigram": (2, "add_k", {"k": 0.01}, ("add_k", 2, 1, 0.01)),
}


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(ADD_K_CASES))
def test_add_k_scores_match_nltk(lab, case):
    """Add-k (Lidstone) and Laplace probabilities equal nltk's, seen and unseen contexts."""
    order, smoothing, kwargs, oracle_key = ADD_K_CASES[case]
    lm = fitted(lab, order, smoothing, **kwargs)
    model = oracle(*oracle_key)
    cutoff = kwargs.get("unk_cutoff", 1)
    unseen = [("mat", "the")[-(order - 1) :], ("zebra",) * (order - 1), ("the", "the")[-(order - 1) :]]
    compare_scores(lab, lm, model, seen_contexts(order, cutoff) + unseen + [()], query_words(order, cutoff), f"{smoothing} score")


# ---- Kneser-Ney ---------------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("discount", [0.1, 0.75])
def test_kneser_ney_bigram_matches_nltk(lab, discount):
    """Interpolated Kneser-Ney bigram probabilities equal nltk's KneserNeyInterpolated."""
    lm = fitted(lab, 2, "kneser_ney", discount=discount)
    model = oracle("kneser_ney", 2, 1, discount)
    contexts = seen_contexts(2) + [("zebra",), (UNK,), ()]
    compare_scores(lab, lm, model, contexts, query_words(2), f"Kneser-Ney bigram score (discount {discount})")


@pytest.mark.points(3)
@pytest.mark.parametrize("discount,unk_cutoff", [(0.1, 1), (0.5, 3)], ids=["d0.1", "d0.5_cutoff3"])
def test_kneser_ney_trigram_matches_nltk(lab, discount, unk_cutoff):
    """Kneser-Ney trigram probabilities (continuation counts at lower orders) equal nltk's."""
    lm = fitted(lab, 3, "kneser_ney", discount=discount, unk_cutoff=unk_cutoff)
    model = oracle("kneser_ney", 3, unk_cutoff, discount)
    # contexts whose lower-order part is not the all-<s> context (see the spec)
    contexts = [c for c in seen_contexts(3, unk_cutoff) if c[-1] != BOS]
    contexts += [("mat", "the"), ("cat", "cat"), ("zebra", "zebra"), ("the",), ("dog",), (EOS,), ()]
    compare_scores(lab, lm, model, contexts, query_words(3, unk_cutoff), f"Kneser-Ney trigram score (discount {discount})")


@pytest.mark.points(3)
def test_kneser_ney_sentence_start_context(lab):
    """Kneser-Ney at the sentence start (all-<s> contexts, orders 3 and 4) follows the spec's lower-order weight."""
    for order in (3, 4):
        lm = fitted(lab, order, "kneser_ney", discount=0.3)
        model = oracle("kneser_ney_spec", order, 1, 0.3)
        contexts = [(BOS,) * k for k in range(1, order)] + [(BOS,) * (order - 2) + ("the",)]
        compare_scores(lab, lm, model, contexts, query_words(order), f"Kneser-Ney order-{order} score")


# ---- distributions ------------------------------------------------------------------------------------


@pytest.mark.points(1)
@pytest.mark.parametrize("smoothing", ["mle", "add_k", "kneser_ney"])
def test_distributions_sum_to_one(lab, smoothing):
    """distribution(context) covers the vocabulary and sums to 1 at every seen context (add-k and Kneser-Ney: unseen ones too)."""
    for order in (2, 3):
        lm = fitted(lab, order, smoothing, k=0.3, discount=0.4)
        vocab = lm.vocabulary()
        contexts = sorted({gram[:-1] for gram in lm.counts() if len(gram) == order})
        check(len(contexts) > 0, f"counts() of the order-{order} model has no n-grams of order {order}")
        unseen = [] if smoothing == "mle" else [("zebra",) * (order - 1), ("mat", "the")[-(order - 1):], (EOS,) * (order - 1)]
        for context in contexts + [(BOS,)] + unseen:
            dist = lm.distribution(list(context))
            check(sorted(dist) == vocab, f"distribution{context}: the keys are not the vocabulary")
            check(all(p >= 0 for p in dist.values()), f"distribution{context}: negative probability")
            assert_close(math.fsum(dist.values()), 1.0, atol=1e-9, rtol=0, what=f"sum of distribution{context} (order {order})")


# ---- stupid backoff -----------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("order,alpha", [(2, 0.4), (3, 0.25)], ids=["bigram_0.4", "trigram_0.25"])
def test_stupid_backoff_matches_nltk(lab, order, alpha):
    """Stupid backoff scores (relative frequency, else alpha times the shorter context's score) equal nltk's."""
    lm = fitted(lab, order, "stupid_backoff", alpha=alpha)
    model = oracle("stupid_backoff", order, 1, alpha)
    contexts = seen_contexts(order) + [("mat", "the")[-(order - 1) :], ("zebra",) * (order - 1), ()]
    compare_scores(lab, lm, model, contexts, query_words(order), "stupid backoff score")


@pytest.mark.points(2)
def test_logscore_is_base_two_with_neg_inf_for_zero(lab):
    """logscore is log2 of score, and -inf when the score is 0."""
    lm = fitted(lab, 2, "mle")
    model = oracle("mle", 2)
    for word, context in [("cat", ("the",)), ("sat", ("cat",)), (EOS, ("mat",)), ("the", ())]:
        assert_close(lm.logscore(word, list(context)), model.logscore(word, context), **TOL, what=f"logscore({word!r}, {context})")
    value = lm.logscore("dog", ["cat"])
    check(isinstance(value, float) and value == -math.inf, "logscore of a zero-probability word should be float('-inf')")


# ---- evaluation ---------------------------------------------------------------------------------------

PERPLEXITY_CASES = {
    "laplace_bigram": (2, "laplace", {}, ("laplace", 2, 1, None), TEST_SEEN),
    "kneser_ney_bigram": (2, "kneser_ney", {"discount": 0.2}, ("kneser_ney", 2, 1, 0.2), TEST_SEEN),
    "add_k_trigram_unk": (3, "add_k", {"k": 0.1, "unk_cutoff": 3}, ("add_k", 3, 3, 0.1), TEST_WITH_OOV),
    "kneser_ney_trigram": (3, "kneser_ney", {"discount": 0.3}, ("kneser_ney_spec", 3, 1, 0.3), TEST_SEEN),
    "stupid_backoff_trigram": (3, "stupid_backoff", {}, ("stupid_backoff", 3, 1, 0.4), TEST_SEEN),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(PERPLEXITY_CASES))
def test_entropy_and_perplexity_match_nltk(lab, case):
    """entropy (bits per n-gram) and perplexity of a test text equal nltk's."""
    order, smoothing, kwargs, oracle_key, sentences = PERPLEXITY_CASES[case]
    lm = fitted(lab, order, smoothing, **kwargs)
    model = oracle(*oracle_key)
    grams = padded_ngrams(sentences, order)
    test = [list(s) for s in sentences]
    assert_close(lm.entropy(test), model.entropy(grams), **TOL, what="entropy")
    assert_close(lm.perplexity(test), model.perplexity(grams), **TOL, what="perplexity")
    assert_close(lm.perplexity(test[:1]), model.perplexity(padded_ngrams(sentences[:1], order)), **TOL, what="perplexity of one sentence")


@pytest.mark.points(1)
def test_perplexity_infinite_for_zero_probability(lab):
    """A test n-gram with probability 0 makes entropy and perplexity float('inf')."""
    lm = fitted(lab, 2, "mle")
    test = [["the", "cat", "sat", "on", "the", "mat"], ["the", "mat", "sat"]]  # "mat sat" was never seen
    check(lm.entropy(test) == math.inf, "entropy should be float('inf') when an n-gram has probability 0")
    check(lm.perplexity(test) == math.inf, "perplexity should be float('inf') when an n-gram has probability 0")
    check(math.isfinite(lm.perplexity(test[:1])), "perplexity should be finite when every n-gram has probability > 0")


# ---- generation ---------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_generate_is_deterministic_for_a_seed(lab):
    """generate depends only on its seed: same seed, same words; other seeds, other words."""
    lm = fitted(lab, 2, "kneser_ney", discount=0.5)
    lab.manual_seed(1)
    first = lm.generate(12, [], seed=2024)
    lab.manual_seed(99)
    second = lm.generate(12, [], seed=2024)
    check(first == second, "generate with the same seed gave different words (use random.Random(seed), not the global random module)")
    check(lm.generate(12, [], seed=2024) == first, "generate with the same seed gave different words on a repeated call")
    outputs = {tuple(lm.generate(12, [], seed=s)) for s in range(10)}
    check(len(outputs) >= 3, "generate gave (almost) the same words for 10 different seeds")


def _binomial_plausible(observed: int, n: int, p: float, min_p_value: float = 1e-7) -> bool:
    """Two-sided test: is `observed` a plausible Binomial(n, p) draw?"""
    if p <= 0:
        return observed == 0
    if p >= 1:
        return observed == n
    mean, deviation = n * p, abs(observed - n * p)
    log_p, log_q = math.log(p), math.log1p(-p)
    tail = 0.0
    for x in range(n + 1):
        if abs(x - mean) >= deviation - 1e-9:
            tail += math.exp(math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1) + x * log_p + (n - x) * log_q)
    return tail > min_p_value


SAMPLING_CASES = {
    "kneser_ney_trigram_mid_sentence": (3, "kneser_ney", {"discount": 0.6}, ("kneser_ney", 3, 1, 0.6), ("on", "the"), ("on", "the")),
    "add_k_bigram_sentence_start": (2, "add_k", {"k": 0.5}, ("add_k", 2, 1, 0.5), (), (BOS,)),
    "stupid_backoff_trigram_normalised": (3, "stupid_backoff", {"alpha": 0.4}, ("stupid_backoff", 3, 1, 0.4), ("the",), (BOS, "the")),
    "kneser_ney_4gram_sentence_start": (4, "kneser_ney", {"discount": 0.3}, ("kneser_ney_spec", 4, 1, 0.3), (), (BOS, BOS, BOS)),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(SAMPLING_CASES))
def test_generate_follows_model_distribution(lab, case):
    """One-word samples over many seeds follow the model's distribution for the context."""
    order, smoothing, kwargs, oracle_key, context, model_context = SAMPLING_CASES[case]
    lm = fitted(lab, order, smoothing, **kwargs)
    model = oracle(*oracle_key)
    vocab = sorted(model.vocab)
    scores = {w: model.score(w, model_context) for w in vocab}
    probs = {w: score / math.fsum(scores.values()) for w, score in scores.items()}  # stupid backoff scores are normalised
    draws = 1000
    samples = []
    for out in lab.map(lm.generate, [(1, list(context), seed) for seed in range(draws)]):
        check(isinstance(out, list) and len(out) == 1, "generate(1, ...) should return a list of one word")
        samples.append(out[0])
    counts = Counter(samples)
    check(set(counts) <= set(vocab), "generate produced a word outside the vocabulary")
    implausible = [w for w in vocab if not _binomial_plausible(counts[w], draws, probs[w])]
    check(not implausible, f"the frequencies of {len(implausible)} word(s) over {draws} seeds do not match the model's probabilities")


@pytest.mark.points(2)
def test_generate_stops_at_end_of_sentence(lab):
    """generate continues the padded context, stops right after </s>, and never exceeds num_words."""
    for order, context in ((2, ()), (3, ("the", "dog"))):
        lm = fitted(lab, order, "mle")
        model = oracle("mle", order)
        for seed in range(15):
            out = lm.generate(40, list(context), seed=seed)
            check(isinstance(out, list) and 1 <= len(out) <= 40, "generate(40, ...) should return between 1 and 40 words")
            check(EOS not in out[:-1], "generate continued after </s>")
            check(len(out) == 40 or out[-1] == EOS, "generate stopped early without producing </s>")
            history = [BOS] * (order - 1) + list(context) + out
            for i in range(order - 1, len(history)):
                gram = tuple(history[i - order + 1 : i + 1])
                check(model.score(gram[-1], gram[:-1]) > 0, "generate produced a word that the MLE model gives probability 0 after its context")
        for seed in range(5):
            short = lm.generate(2, list(context), seed=seed)
            check(1 <= len(short) <= 2 and (len(short) == 2 or short[-1] == EOS), "generate(2, ...) returned the wrong number of words")
        assert_equal(lm.generate(0, list(context), seed=0), [], what="generate(0, ...)")


# ---- argument checks ----------------------------------------------------------------------------------


def _raises(exc_type, call, what: str) -> None:
    """``call()`` must raise ``exc_type`` (the stub's NotImplementedError does not count)."""
    try:
        call()
    except exc_type:
        return
    except NotImplementedError:
        raise
    raise AssertionError(f"{what}: expected a {exc_type.__name__}")


# (args, kwargs) of a valid model, then the same with one bad hyper-parameter: every one is checked in __init__,
# whatever the smoothing
HYPER_CASES = [
    (((2, "add_k"), {"k": 1e-9}), ((2, "add_k"), {"k": 0})),
    (((2, "add_k"), {"k": 3.5}), ((2, "add_k"), {"k": -1.0})),
    (((2, "mle"), {"k": 0.5}), ((2, "mle"), {"k": 0.0})),
    (((2, "kneser_ney"), {"discount": 0.0}), ((2, "kneser_ney"), {"discount": -0.01})),
    (((2, "kneser_ney"), {"discount": 1.0}), ((2, "kneser_ney"), {"discount": 1.01})),
    (((3, "kneser_ney"), {"discount": 1}), ((3, "kneser_ney"), {"discount": 1.5})),
    (((2, "laplace"), {"discount": 1.0}), ((2, "laplace"), {"discount": 2.0})),
    (((2, "stupid_backoff"), {"alpha": 1e-9}), ((2, "stupid_backoff"), {"alpha": 0.0})),
    (((2, "mle"), {"alpha": 2.0}), ((2, "mle"), {"alpha": -0.4})),
    (((2, "mle"), {"unk_cutoff": 1}), ((2, "mle"), {"unk_cutoff": 0})),
    (((2, "add_k"), {"unk_cutoff": 2}), ((2, "add_k"), {"unk_cutoff": 1.5})),
    (((1, "mle"), {}), ((0, "mle"), {})),
    (((1, "stupid_backoff"), {}), ((-1, "stupid_backoff"), {})),
    (((2, "kneser_ney"), {}), ((1, "kneser_ney"), {})),
    (((2, "mle"), {}), ((2, "witten_bell"), {})),
    (((2, "laplace"), {}), ((2, "Laplace"), {})),
    (((2,), {}), ((2.5,), {})),
]


@pytest.mark.points(3)
def test_hyperparameter_boundaries(lab):
    """Every hyper-parameter is checked in the constructor: the allowed edge values (discount 0 and 1, unk_cutoff 1, order 1) work, the next ones raise."""
    for (good_args, good_kwargs), (bad_args, bad_kwargs) in HYPER_CASES:
        lm = lab.NgramLM(*good_args[:1], *(fresh(a) for a in good_args[1:]), **good_kwargs)
        lm.fit([list(s) for s in TRAIN])
        check(math.isfinite(lm.perplexity([["the", "cat"]])), f"NgramLM{good_args} with {good_kwargs} should work")
        _raises(ValueError, lambda: lab.NgramLM(*bad_args[:1], *(fresh(a) for a in bad_args[1:]), **bad_kwargs),
                f"NgramLM{bad_args} with {bad_kwargs}")


@pytest.mark.points(2)
@pytest.mark.parametrize("discount", [0.0, 1.0])
def test_kneser_ney_discount_edges(lab, discount):
    """Kneser-Ney with the edge discounts 0 (relative frequencies at the top order) and 1 equals nltk's."""
    for order in (2, 3):
        lm = fitted(lab, order, "kneser_ney", discount=discount)
        model = oracle("kneser_ney", order, 1, discount)
        contexts = [c for c in seen_contexts(order) if order == 2 or c[-1] != BOS] + [("zebra",) * (order - 1), ()]
        compare_scores(lab, lm, model, contexts, query_words(order), f"Kneser-Ney order-{order} score (discount {discount})")


@pytest.mark.points(2)
def test_invalid_arguments_raise_value_error(lab):
    """pad_sentence, everygrams and count_ngrams reject bad orders; perplexity, generate and fit reject empty or negative input."""
    assert_equal(lab.pad_sentence(["a"], 1), ["a"], what="pad_sentence(['a'], 1)")
    for bad in (0, -2, 1.5):
        _raises(ValueError, lambda: lab.pad_sentence(["a"], bad), f"pad_sentence(['a'], {bad!r})")
    assert_equal(lab.everygrams(["a", "b"], 1), [("a",), ("b",)], what="everygrams(['a', 'b'], 1)")
    _raises(ValueError, lambda: lab.everygrams(["a", "b"], 0), "everygrams(..., 0)")
    assert_equal(lab.count_ngrams([["a"]], 1), {("a",): 1}, what="count_ngrams([['a']], 1)")
    _raises(ValueError, lambda: lab.count_ngrams([["a"]], 0), "count_ngrams(..., 0)")
    lm = fitted(lab, 2, "laplace")
    check(math.isfinite(lm.perplexity([[]])), "perplexity of one empty sentence (only padding) should be finite for a bigram model")
    _raises(ValueError, lambda: lm.perplexity([]), "perplexity of no sentences")
    _raises(ValueError, lambda: lm.entropy([]), "entropy of no sentences")
    unigram = fitted(lab, 1, "laplace")
    check(math.isfinite(unigram.entropy([["the"]])), "entropy of a one-word sentence should be finite for an order-1 model")
    _raises(ValueError, lambda: unigram.entropy([[], []]), "entropy of empty sentences with an order-1 model (no n-grams)")
    assert_equal(lm.generate(0, [], seed=0), [], what="generate(0, ...)")
    _raises(ValueError, lambda: lm.generate(-1, [], seed=0), "generate(-1, ...)")
    empty_ok = lab.NgramLM(2, "mle")
    check(empty_ok.fit([[]]) is None, "fit should return None")
    assert_equal(empty_ok.vocabulary(), sorted([BOS, EOS, UNK]), what="vocabulary after fitting a bigram model on one empty sentence")
    _raises(ValueError, lambda: lab.NgramLM(2, "mle").fit([]), "fit([])")
    _raises(ValueError, lambda: lab.NgramLM(1, "mle").fit([[], []]), "fit of only empty sentences with an order-1 model")


UNFITTED_CALLS = {
    "vocabulary": lambda lm: lm.vocabulary(),
    "lookup": lambda lm: lm.lookup("the"),
    "counts": lambda lm: lm.counts(),
    "score": lambda lm: lm.score("the", ["a"]),
    "logscore": lambda lm: lm.logscore("the", ["a"]),
    "distribution": lambda lm: lm.distribution(["a"]),
    "entropy": lambda lm: lm.entropy([["the", "cat"]]),
    "perplexity": lambda lm: lm.perplexity([["the", "cat"]]),
    "generate": lambda lm: lm.generate(3, [], seed=0),
}


@pytest.mark.points(2)
def test_methods_before_fit_raise_runtime_error(lab):
    """Every method but fit raises RuntimeError before the model is fitted, and works after."""
    for name, call in UNFITTED_CALLS.items():
        lm = lab.NgramLM(2, "add_k", k=0.5)
        _raises(RuntimeError, lambda: call(lm), f"{name} before fit")
        lm.fit([list(s) for s in TRAIN])
        call(lm)


# ---- state across calls, order 1, long contexts --------------------------------------------------------

OTHER_TRAIN = [["a", "dog", "ran"], ["a", "bird", "sang", "a", "song"], ["the", "dog", "sang"]]


@pytest.mark.points(2)
@pytest.mark.parametrize("smoothing", ["mle", "kneser_ney", "stupid_backoff"])
def test_fit_twice_replaces_the_model(lab, smoothing):
    """Fitting again replaces the vocabulary and the counts: the result equals a model fitted once on the new data."""
    twice = lab.NgramLM(3, smoothing, discount=0.4)
    twice.fit([list(s) for s in TRAIN])
    twice.fit([list(s) for s in OTHER_TRAIN])
    once = lab.NgramLM(3, smoothing, discount=0.4)
    once.fit([list(s) for s in OTHER_TRAIN])
    assert_equal(twice.vocabulary(), once.vocabulary(), what="vocabulary after fitting twice")
    expected = dict(Counter(g for s in OTHER_TRAIN for g in everygrams(list(pad_both_ends(s, n=3)), max_len=3)))
    assert_equal(twice.counts(), expected, what="counts() after fitting twice")
    contexts = [["a"], ["<s>", "a"], ["the", "dog"], ["a", "dog"], [], ["the", "cat"]]
    words = once.vocabulary() + ["cat"]
    pairs = [(w, c) for c in contexts for w in words]
    got = lab.map(twice.score, pairs)
    want = lab.map(once.score, pairs)
    assert_close(got, want, **TOL, what="scores after fitting twice (compared with one fit on the same data)")
    assert_close(twice.perplexity([["a", "dog", "sang"]]), once.perplexity([["a", "dog", "sang"]]), **TOL, what="perplexity after fitting twice")


ORDER_ONE_CASES = {
    "mle": ({}, ("mle", 1, 1, None)),
    "laplace": ({"k": 0.3}, ("laplace", 1, 1, None)),
    "add_k": ({"k": 0.25, "unk_cutoff": 3}, ("add_k", 1, 3, 0.25)),
    "stupid_backoff": ({}, ("stupid_backoff", 1, 1, 0.4)),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("smoothing", list(ORDER_ONE_CASES))
def test_order_one_models(lab, smoothing):
    """Order-1 models: no padding, unigram scores equal nltk's, and the context is ignored."""
    kwargs, oracle_key = ORDER_ONE_CASES[smoothing]
    lm = fitted(lab, 1, smoothing, **kwargs)
    model = oracle(*oracle_key)
    assert_equal(lm.vocabulary(), sorted(model.vocab), what="vocabulary of an order-1 model")
    words = query_words(1, oracle_key[2])
    for context in ([], ["the"], ["zebra", "the", "cat"]):
        scores = lab.map(lm.score, [(w, context) for w in words])
        for word, got in zip(words, scores):
            assert_close(got, model.score(word), **TOL, what=f"order-1 {smoothing} score of {word!r} after {context}")
    grams = padded_ngrams(TEST_SEEN, 1)
    assert_close(lm.entropy([list(s) for s in TEST_SEEN]), model.entropy(grams), **TOL, what=f"order-1 {smoothing} entropy")


@pytest.mark.points(1)
@pytest.mark.parametrize("smoothing", ["mle", "add_k", "kneser_ney", "stupid_backoff"])
def test_long_context_is_truncated(lab, smoothing):
    """Only the last order - 1 context words count: a longer context scores like its end."""
    for order in (2, 3):
        lm = fitted(lab, order, smoothing, k=0.5, discount=0.3)
        longs = [["a", "bird", "saw", "the"], ["zebra", "zebra", "the", "dog"], ["the", "cat", "sat", "on"]]
        words = query_words(order)
        pairs = [(w, c) for c in longs for w in words]
        got = lab.map(lm.score, pairs)
        want = lab.map(lm.score, [(w, c[-(order - 1):]) for w, c in pairs])
        assert_close(got, want, **TOL, what=f"order-{order} {smoothing} scores after a context longer than order - 1")
        model = oracle("mle", order) if smoothing == "mle" else None
        if model is not None:
            assert_close(got, [model.score(w, tuple(c[-(order - 1):])) for w, c in pairs], **TOL, what=f"order-{order} MLE after a long context")


@pytest.mark.points(2)
def test_laplace_ignores_k(lab):
    """smoothing='laplace' adds 1 whatever k says (k only matters for 'add_k')."""
    for k in (0.1, 5.0):
        lm = fitted(lab, 2, "laplace", k=k)
        model = oracle("laplace", 2)
        compare_scores(lab, lm, model, seen_contexts(2)[:6] + [("zebra",), ()], query_words(2), f"Laplace score with k={k}")
    lm = fitted(lab, 2, "add_k", k=5.0)
    compare_scores(lab, lm, oracle("add_k", 2, 1, 5.0), seen_contexts(2)[:6], query_words(2), "add-k score with k=5")


@pytest.mark.points(2)
def test_generate_raises_when_every_word_scores_zero(lab):
    """generate raises ValueError when every word scores 0 (MLE after an unseen context); a seen context works."""
    lm = fitted(lab, 3, "mle")
    out = lm.generate(5, ["on", "the"], seed=3)
    check(isinstance(out, list) and 1 <= len(out) <= 5, "generate(5, ['on', 'the']) should give 1 to 5 words")
    _raises(ValueError, lambda: lm.generate(5, ["mat", "the"], seed=3), "generate after the unseen context ['mat', 'the']")
    _raises(ValueError, lambda: lm.generate(1, ["zebra", "zebra"], seed=0), "generate after an unseen context of unknown words")
    unigram = fitted(lab, 1, "mle")
    words = unigram.generate(30, ["zebra"], seed=4)
    check(isinstance(words, list) and 1 <= len(words) <= 30 and all(w in unigram.vocabulary() for w in words),
          "an order-1 model generates vocabulary words whatever the context")
    check(BOS not in words and EOS not in words and UNK not in words,
          "an order-1 model never generates a word that has score 0 (<s>, </s> and <UNK> are not counted without padding)")


@pytest.mark.points(2)
def test_defaults_and_keyword_arguments(lab):
    """The documented defaults (smoothing 'mle', k = 1, seed = 0) and arguments passed by name."""
    lm = lab.NgramLM(order=2)
    lm.fit(sentences=[list(s) for s in TRAIN])
    compare_scores(lab, lm, oracle("mle", 2), seen_contexts(2)[:5], query_words(2), "NgramLM(order=2) (default smoothing) score")
    add_one = lab.NgramLM(order=2, smoothing=fresh("add_k"))
    add_one.fit([list(s) for s in TRAIN])
    compare_scores(lab, add_one, oracle("laplace", 2), seen_contexts(2)[:5] + [("zebra",)], query_words(2), "add-k with the default k")
    assert_close(add_one.score(word="cat", context=["the"]), oracle("laplace", 2).score("cat", ("the",)), **TOL, what="score passed by name")
    kn = fitted(lab, 2, "kneser_ney", discount=0.5)
    for context in ([], ["the"]):
        default = kn.generate(8, context)
        check(default == kn.generate(8, context, seed=0), "generate without a seed should be generate(..., seed=0)")
        check(default == kn.generate(num_words=8, context=context, seed=0), "generate with arguments passed by name")


@pytest.mark.points(2)
def test_special_symbols_in_the_training_text(lab):
    """Words equal to '<UNK>' or '</s>' in the training text are ordinary vocabulary strings (compared with ==)."""
    literal_unk = [["the", "<UNK>", "cat"], ["a", "<UNK>"], ["the", "dog"]]
    lm = lab.NgramLM(2, "mle")
    lm.fit(literal_unk)
    check(UNK in lm.vocabulary(), "the vocabulary always holds <UNK>, also when the training text contains it")
    assert_close(lm.score(UNK, ["the"]), 0.5, **TOL, what="MLE score of <UNK> after 'the' when the text contains '<UNK>'")
    lm = lab.NgramLM(2, "mle", unk_cutoff=2)
    lm.fit(literal_unk)
    assert_close(lm.score(UNK, ["the"]), 1.0, **TOL, what="MLE score of <UNK> after 'the' with unk_cutoff=2")
    # a '</s>' written inside a sentence is counted like the padding: generation stops right after any '</s>'
    lm = lab.NgramLM(2, "mle")
    lm.fit([[w for w in "the cat </s> sat".split()], ["a", "dog", "ran"]])
    for seed in range(30):
        out = lm.generate(20, [], seed=seed)
        check(EOS not in out[:-1], "generate continued after </s>")
    # words that sort before '</s>' (digits, punctuation) are ordinary words too
    lm = lab.NgramLM(2, "add_k", k=0.1)
    lm.fit([["in", "1990", ",", "the", "cat", "!"], ["by", "2001", ",", "a", "dog", "-", "ran"]])
    for seed in range(30):
        out = lm.generate(6, ["1990"], seed=seed)
        check(len(out) == 6 or out[-1] == EOS, "generate stopped early without producing </s>")
    unigram = fitted(lab, 1, "mle")
    long = unigram.generate(300, [], seed=1)
    check(isinstance(long, list) and len(long) == 300, "an order-1 model (no </s>) generates exactly num_words words, also 300")


@pytest.mark.points(1)
def test_perplexity_of_a_long_text(lab):
    """Entropy and perplexity of a long text (thousands of n-grams, whose product of probabilities underflows) equal nltk's."""
    sentences = list(TEST_SEEN) * 300
    for order, smoothing, kwargs, oracle_key in ((2, "laplace", {}, ("laplace", 2, 1, None)), (3, "kneser_ney", {"discount": 0.3}, ("kneser_ney_spec", 3, 1, 0.3))):
        lm = fitted(lab, order, smoothing, **kwargs)
        check(len(padded_ngrams(sentences, order)) > 5000, "test data self-check")
        expected = oracle(*oracle_key).entropy(padded_ngrams(TEST_SEEN, order))  # 300 copies: the same mean
        entropy = lm.entropy([list(s) for s in sentences])
        check(math.isfinite(entropy), f"entropy of a long text should be finite ({smoothing}, order {order}): add log-probabilities")
        assert_close(entropy, expected, **TOL, what=f"entropy of a long text ({smoothing}, order {order})")
        assert_close(lm.perplexity([list(s) for s in sentences]), 2.0 ** expected, **TOL,
                     what=f"perplexity of a long text ({smoothing}, order {order})")
