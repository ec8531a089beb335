"""Public sanity checks for lab 09 (n-gram language models).

They use the classic three-sentence "I am Sam" corpus, whose bigram
probabilities are easy to work out by hand (see the handout). Passing them
is a good start, not a guarantee: the hidden tests compare every model with
nltk.lm on a larger corpus.

Run them with ``autograder test lab09_ngram_lm`` or ``pytest assignments/lab09_ngram_lm``.
"""

from __future__ import annotations

import math

import pytest

SAM = [
    ["I", "am", "Sam"],
    ["Sam", "I", "am"],
    ["I", "do", "not", "like", "green", "eggs", "and", "ham"],
]


def bigram(lab, smoothing="mle", **kwargs):
    lm = lab.NgramLM(2, smoothing, **kwargs)
    lm.fit(SAM)
    return lm


def test_padding_for_bigrams_and_trigrams(lab):
    assert lab.pad_sentence(["I", "am"], 2) == ["<s>", "I", "am", "</s>"], "a bigram model pads with one <s> and one </s>"
    assert lab.pad_sentence(["I", "am"], 3) == ["<s>", "<s>", "I", "am", "</s>", "</s>"], (
        "a trigram model pads with two <s> and two </s> (order - 1 on each side)"
    )


def test_everygrams_small_example(lab):
    got = lab.everygrams(["a", "b", "c"], 2)
    assert got == [("a",), ("a", "b"), ("b",), ("b", "c"), ("c",)], (
        f"everygrams(['a', 'b', 'c'], 2) returned {got}: n-grams are tuples, ordered by start position, then length"
    )


def test_count_ngrams_sam(lab):
    counts = lab.count_ngrams(SAM, 2)
    assert counts[("<s>",)] == 3, "every sentence contributes one <s> unigram in a bigram model"
    assert counts[("<s>", "I")] == 2, "'I' starts two of the three sentences"
    assert counts[("I", "am")] == 2
    assert counts[("am", "</s>")] == 1
    assert ("Sam", "am") not in counts, "only n-grams that occur should be keys"


def test_worked_example_bigram_mle(lab):
    lm = bigram(lab)
    expected = {("I", ("<s>",)): 2 / 3, ("Sam", ("am",)): 1 / 2, ("am", ("I",)): 2 / 3, ("</s>", ("Sam",)): 1 / 2}
    for (word, context), p in expected.items():
        got = lm.score(word, list(context))
        assert math.isclose(got, p, rel_tol=1e-12), f"P({word} | {context[0]}) should be {p:.4f}, got {got}"


def test_vocabulary_has_pads_and_unk(lab):
    lm = bigram(lab)
    words = lm.vocabulary()
    assert words == sorted(words), "vocabulary() should be sorted"
    for token in ("<s>", "</s>", "<UNK>", "Sam"):
        assert token in words, f"{token!r} should be in the vocabulary"
    assert lm.lookup("Bob") == "<UNK>", "an unseen word should be looked up as <UNK>"


def test_laplace_distribution_sums_to_one(lab):
    lm = bigram(lab, "laplace")
    dist = lm.distribution(["I"])
    assert sorted(dist) == lm.vocabulary(), "distribution() should have one entry per vocabulary word"
    assert math.isclose(sum(dist.values()), 1.0, abs_tol=1e-9), f"Laplace P(. | I) sums to {sum(dist.values())}, not 1"


def test_perplexity_is_two_to_the_entropy(lab):
    lm = bigram(lab, "kneser_ney")
    text = [["I", "am", "Sam"]]
    h = lm.entropy(text)
    assert h > 0, "the cross-entropy of a text should be positive"
    assert math.isclose(lm.perplexity(text), 2.0**h, rel_tol=1e-9), "perplexity should be 2 ** entropy (entropy in bits)"


def test_generate_is_reproducible(lab):
    lm = bigram(lab, "laplace")
    first = lm.generate(10, [], seed=7)
    assert isinstance(first, list) and 1 <= len(first) <= 10, "generate(10, ...) should return a list of 1 to 10 words"
    assert lm.generate(10, [], seed=7) == first, "the same seed should give the same words"


def test_bad_smoothing_name(lab):
    with pytest.raises(ValueError):
        lab.NgramLM(2, "good_turing")
