"""Public sanity checks for lab 02 (text statistics).

Run them with ``autograder test lab02_text_statistics`` or
``pytest assignments/lab02_text_statistics``. They only use the examples from
the docstrings; the graded tests are more thorough (generated texts, edge
cases, every rule of the docstrings).
"""

from __future__ import annotations

import math

import pytest


def test_count_characters(lab):
    assert lab.count_characters("ab c\n") == 5, "count_characters should count every code point, like len()"
    assert lab.count_characters("ab c\n", include_whitespace=False) == 3, "whitespace (str.isspace) should not count"


def test_words_docstring_examples(lab):
    assert lab.words("Don't") == ["don't"], "apostrophes inside a word keep the word together; words are lower-cased"
    assert lab.words("well-known") == ["well-known"], "hyphens inside a word keep the word together"
    assert lab.words("'quoted'") == ["quoted"], "quotes around a word are not part of it"
    assert lab.words("snake_case") == ["snake", "case"], "the underscore is not a letter"
    assert lab.words("3.14") == ["3", "14"], "a period splits digits into two words"


def test_word_frequencies(lab):
    freqs = dict(lab.word_frequencies("A rose is a rose."))
    assert freqs == {"a": 2, "rose": 2, "is": 1}, f"got {freqs}"


def test_top_k_ties(lab):
    result = [tuple(p) for p in lab.top_k({"b": 1, "a": 1, "c": 2}, 2)]
    assert result == [("c", 2), ("a", 1)], f"count descending, then word ascending; got {result}"


def test_type_token_ratio(lab):
    assert math.isclose(lab.type_token_ratio("The cat saw the Cat."), 0.6), "types are counted after lower-casing"
    with pytest.raises(ValueError):
        lab.type_token_ratio("")


def test_split_sentences_docstring_example(lab):
    result = lab.split_sentences('He said "Stop." Then he left.')
    assert result == ['He said "Stop."', "Then he left."], f"the closing quote stays with its sentence; got {result}"


def test_split_documents(lab):
    result = lab.split_documents("one\ntwo\n\nthree\n")
    assert result == ["one\ntwo", "three"], f"documents are separated by blank lines; got {result}"


def test_sentence_lengths(lab):
    result = lab.sentence_lengths("Hi there. Bye!")
    assert result == [2, 1], f"lengths are counted in words; got {result}"


def test_summarize_lengths_keys(lab):
    result = lab.summarize_lengths([1, 2, 3])
    assert set(result) == {"count", "min", "max", "mean", "median", "p10", "p90"}, f"keys: {sorted(result)}"
    assert result["count"] == 3 and math.isclose(result["median"], 2.0), "count and median of [1, 2, 3]"


def test_zipf_slope_sign(lab):
    slope = lab.zipf_slope({"a": 100, "b": 50, "c": 25})
    assert slope < 0, "the slope of decreasing counts is negative"


def test_text_stats_keys(lab):
    result = lab.text_stats("One two. Three!")
    expected = {"characters", "words", "types", "sentences", "documents", "type_token_ratio", "mean_sentence_length"}
    assert set(result) == expected, f"keys: {sorted(result)}"
