"""Public sanity checks for lab 07 (text normalization).

Run them with ``autograder test lab07_normalization`` or
``pytest assignments/lab07_normalization``. They use the docstring examples
and a few words checked against nltk; the graded tests are far more thorough
(every Porter step on thousands of words, Unicode case folding, all the
lemmatizer rules, agreement with lemminflect).
"""

from __future__ import annotations

import pytest


def test_fold_case(lab):
    assert lab.fold_case("Straße", "lower") == "straße", "'lower' mode is exactly str.lower()"
    assert lab.fold_case("Straße", "casefold") == "strasse", "'casefold' mode is exactly str.casefold(): ß becomes ss"
    assert lab.fold_case("Straße", "none") == "Straße", "'none' leaves the text alone"
    with pytest.raises(ValueError):
        lab.fold_case("abc", "title")


def test_caseless_equal(lab):
    assert lab.caseless_equal("Straße", "STRASSE"), "casefold maps ß to ss"
    assert lab.caseless_equal("café", "CAFE\u0301"), "é and e + combining accent match after NFD"
    assert not lab.caseless_equal("cafe", "café"), "an accent is not a case difference"


def test_is_punctuation(lab):
    assert lab.is_punctuation(",") and lab.is_punctuation("’"), "punctuation is Unicode category P*"
    assert not lab.is_punctuation("$"), "'$' is a symbol (category Sc), not punctuation"


def test_tokenize_docstring_examples(lab):
    assert lab.tokenize("Hello, world!", "keep") == ["Hello,", "world!"]
    assert lab.tokenize("Don't stop -- ok?", "strip") == ["Dont", "stop", "ok"], "'strip' deletes every punctuation character"
    got = lab.tokenize("Don't stop...!", "split")
    assert got == ["Don", "'", "t", "stop", ".", ".", ".", "!"], f"'split' makes each punctuation character a token; got {got}"


def test_remove_stopwords(lab):
    got = lab.remove_stopwords(["The", "cat", "is", "on", "THE", "mat"])
    assert got == ["cat", "mat"], f"stop words are removed case-insensitively, the rest kept as they are; got {got}"


def test_measure_docstring_examples(lab):
    for word, m in {"tr": 0, "tree": 0, "by": 0, "trouble": 1, "ivy": 1, "troubles": 2, "orrery": 2}.items():
        assert lab.measure(word) == m, f"measure({word!r}) should be {m}"


def test_porter_steps_docstring_examples(lab):
    assert lab.porter_step1a("ponies") == "poni"
    assert lab.porter_step1b("conflated") == "conflate", "step 1b puts the e back on -at stems"
    assert lab.porter_step1b("hopping") == "hop" and lab.porter_step1b("falling") == "fall"
    assert lab.porter_step1c("happy") == "happi" and lab.porter_step1c("sky") == "sky"
    assert lab.porter_step2("relational") == "relate" and lab.porter_step2("rational") == "rational"
    assert lab.porter_step3("triplicate") == "triplic"
    assert lab.porter_step4("adoption") == "adopt"
    assert lab.porter_step5("cease") == "ceas" and lab.porter_step5("controll") == "control"


def test_porter_stem_matches_nltk_on_a_few_words(lab):
    from nltk.stem import PorterStemmer

    nltk_stemmer = PorterStemmer(mode=PorterStemmer.ORIGINAL_ALGORITHM)
    for word in ["generalizations", "oscillators", "connected", "Running", "easily", "university", "by", "yelling"]:
        got, want = lab.porter_stem(word), nltk_stemmer.stem(word)
        assert got == want, f"porter_stem({word!r}) returned {got!r}; nltk's ORIGINAL_ALGORITHM gives {want!r}"


def test_lemmatize_docstring_examples(lab):
    assert lab.lemmatize("went", "VERB") == "go", "irregular forms come from IRREGULAR_LEMMAS"
    assert lab.lemmatize("Mice", "NOUN") == "mouse", "the word is casefolded before the lookup"
    assert lab.lemmatize("cities", "NOUN") == "city"
    assert lab.lemmatize("stopped", "VERB") == "stop", "a doubled consonant loses one letter"
    assert lab.lemmatize("baked", "VERB") == "bake", "m = 1 and *o: the e comes back"
    assert lab.lemmatize("happier", "ADJ") == "happy"
    with pytest.raises(ValueError):
        lab.lemmatize("quickly", "ADV")


def test_vocabulary_reduction(lab):
    corpus = [("The", "DET"), ("the", "DET"), ("cats", "NOUN"), ("cat", "NOUN")]
    got = dict(lab.vocabulary_reduction(corpus))
    assert got == {"raw": 4, "lower": 3, "casefold": 3, "stemmed": 2, "lemmatized": 2}, f"got {got}"
