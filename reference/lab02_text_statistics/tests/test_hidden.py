"""Hidden tests for lab 02 (text statistics).

Oracles: ``collections.Counter`` over tokens the tests generate themselves,
``numpy.percentile`` (default ``method="linear"``) and ``numpy.polyfit`` on
log-log rank/frequency data. Hand-written cases pin down the tricky rules
(apostrophes, tie-breaks, abbreviations, decimals, quotes, ellipses).
"""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from autograder.testing import assert_close, assert_equal, check

# ---- generated texts with a known tokenisation ---------------------------------------------------------

# Words as `words()` must return them (lower-case). Each one is shown in the
# text in a random letter case.
VOCAB = [
    "the", "cat", "sat", "on", "mat", "dog", "don't", "it's", "o'neil", "well-known",
    "state-of-the-art", "x2", "42", "café", "naïve", "über", "rock'n'roll", "don’t",
    "καλημέρα", "λόγος", "ζωή", "привет", "мир", "ёлка", "日本語", "٣٤",
]
PLAIN_VOCAB = ["the", "a", "cat", "dog", "mat", "sat", "on", "river", "blue", "ran", "fast", "home"]
# Separators never join two words: none puts a letter, digit or joiner right next to a word
# on both sides (a quote or "-" always has a space on the other side).
SEPARATORS = [" ", "  ", ", ", "; ", ". ", "! ", "? ", "\n", "\t", " -- ", " (", ") ", ' "', '" ', " '", "' ", "_", "/", "..."]


def _show(rng: random.Random, word: str) -> str:
    style = rng.randrange(3)
    return word if style == 0 else word.upper() if style == 1 else word.capitalize()


def random_text(seed: int, n: int, vocab: list[str] = VOCAB) -> tuple[str, list[str]]:
    """(text, its words lower-cased), built so that the words are known without a tokenizer."""
    rng = random.Random(seed)
    tokens = [rng.choice(vocab) for _ in range(n)]
    text = _show(rng, tokens[0]) + "".join(rng.choice(SEPARATORS) + _show(rng, t) for t in tokens[1:])
    return text, tokens


# Sentences: (text, number of words) pieces that never end a sentence.
SENTENCE_INSERTS = [("Dr. Smith", 2), ("Mrs. Jones", 2), ("e.g. Paris", 3), ("3.5", 2), ("example.com", 2), ("(i.e. Rome)", 3)]
SENTENCE_ENDS = [".", "!", "?", "...", "?!", '."', "!)", "…"]
SENTENCE_GAPS = [" ", "  ", "\n", " \n ", "\n\n"]


def random_sentences(seed: int, n: int) -> tuple[str, list[str], list[int]]:
    """(text, its sentences, their lengths in words), known by construction."""
    rng = random.Random(seed)
    sentences, lengths = [], []
    for i in range(n):
        parts = [rng.choice(PLAIN_VOCAB) for _ in range(rng.randint(1, 7))]
        length = len(parts)
        parts[0] = parts[0].capitalize()
        if rng.random() < 0.5:
            insert, extra = rng.choice(SENTENCE_INSERTS)
            parts.insert(rng.randint(1, len(parts)), insert)
            length += extra
        sentence = " ".join(parts)
        if i < n - 1 or rng.random() < 0.7:
            sentence += rng.choice(SENTENCE_ENDS)
        sentences.append(sentence)
        lengths.append(length)
    gaps = [rng.choice(SENTENCE_GAPS) for _ in range(n)]
    text = "".join(s + g for s, g in zip(sentences, gaps))
    return text, sentences, lengths


def as_pairs(result) -> list[tuple]:
    check(isinstance(result, (list, tuple)), "top_k should return a list of (word, count) tuples")
    return [tuple(item) for item in result]


# ---- count_characters ----------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_count_characters_hand_cases(lab):
    """count_characters counts code points (emoji, Greek, CJK), with and without whitespace."""
    assert_equal(lab.count_characters("héllo wörld\n"), 12, what="count_characters('héllo wörld\\n')")
    assert_equal(
        lab.count_characters("héllo wörld\n", include_whitespace=False), 10, what="count without whitespace"
    )
    assert_equal(lab.count_characters("e\u0301"), 2, what="count of e + combining accent (no normalisation)")
    assert_equal(lab.count_characters(""), 0, what="count of empty text")
    assert_equal(
        lab.count_characters("\t \u00a0x\r\n", include_whitespace=False), 1, what="count without any str.isspace() character"
    )
    assert_equal(lab.count_characters("😀 ΑΒΓ 日本"), 8, what="count of a text with an emoji, Greek and CJK")
    assert_equal(lab.count_characters("😀 ΑΒΓ 日本", include_whitespace=True), 8, what="count with include_whitespace=True")
    assert_equal(
        lab.count_characters(text="a\u3000b\x1cc d", include_whitespace=False),
        4,
        what="count_characters(text=..., include_whitespace=False) (text passed by keyword; every str.isspace() character)",
    )


@pytest.mark.points(2)
def test_count_characters_random_texts(lab):
    """count_characters agrees with len() and str.isspace() on random texts."""
    rng = random.Random(2)
    alphabet = "abcXYZ019 \t\n\r.,'-éßü€\u00a0\u2003λЖ日😀\u3000\x1c"
    for n in (1, 17, 500):
        text = "".join(rng.choice(alphabet) for _ in range(n))
        assert_equal(lab.count_characters(text), len(text), what=f"count_characters of a random text of length {n}")
        assert_equal(
            lab.count_characters(text, include_whitespace=False),
            sum(not ch.isspace() for ch in text),
            what=f"count without whitespace of a random text of length {n}",
        )


# ---- words ---------------------------------------------------------------------------------------------

WORD_CASES = {
    "apostrophes": (
        "Don't panic: it's fine, O'Neil’s rock'n'roll don’t",
        ["don't", "panic", "it's", "fine", "o'neil’s", "rock'n'roll", "don’t"],
    ),
    "hyphens_and_edges": (
        "A well-known, state-of-the-art -dash- end- a--b 'quoted' x'",
        ["a", "well-known", "state-of-the-art", "dash", "end", "a", "b", "quoted", "x"],
    ),
    "digits_and_underscores": (
        "Pi is 3.14, snake_case x2 and 42nd_",
        ["pi", "is", "3", "14", "snake", "case", "x2", "and", "42nd"],
    ),
    "unicode_and_case": ("Über CAFÉ naïve ÉCOLE MiXeD", ["über", "café", "naïve", "école", "mixed"]),
    "greek_cyrillic_cjk_digits": (
        "Καλημέρα ΚΌΣΜΕ! Привет, МИР:日本語 ٣٤ ΟΔΟΣ Ёлка’s x²",
        ["καλημέρα", "κόσμε", "привет", "мир", "日本語", "٣٤", "οδος", "ёлка’s", "x²"],
    ),
    "lower_case_after_matching": (
        "İstanbul STRASSE Straße ΛΌΓΟΣ...ΖΩΉ",
        ["i\u0307stanbul", "strasse", "straße", "λόγος", "ζωή"],
    ),
}


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(WORD_CASES))
def test_words_hand_cases(lab, case):
    """words() follows WORD_PATTERN and lower-cases (apostrophes, hyphens, digits, Unicode)."""
    text, expected = WORD_CASES[case]
    assert_equal(lab.words(text), expected, what=f"words() on the '{case}' example")


@pytest.mark.points(1)
def test_words_without_words(lab):
    """words() returns [] for text without any word."""
    for text in ("", "  \n\t", "... -- '' _ !?"):
        assert_equal(lab.words(text), [], what="words() of a text without words")


@pytest.mark.points(2)
def test_words_random_texts(lab):
    """words() recovers the words of generated texts (mixed case, punctuation, line breaks)."""
    for seed in range(4):
        text, tokens = random_text(seed, 300)
        assert_equal(lab.words(text), tokens, what=f"words() of generated text #{seed}")


# ---- word_frequencies ----------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_word_frequencies_match_counter(lab):
    """word_frequencies equals collections.Counter of the words on generated texts."""
    for seed in (10, 11, 12):
        text, tokens = random_text(seed, 2000)
        result = lab.word_frequencies(text)
        check(isinstance(result, dict), "word_frequencies should return a dict")
        assert_equal(dict(result), dict(Counter(tokens)), what=f"frequencies of generated text #{seed}")


@pytest.mark.points(2)
def test_word_frequencies_are_case_insensitive(lab):
    """word_frequencies counts 'The', 'the' and 'THE' as one word."""
    result = lab.word_frequencies("The cat and the hat. THE END, the end!")
    assert_equal(dict(result), {"the": 4, "cat": 1, "and": 1, "hat": 1, "end": 2}, what="frequencies")
    result = lab.word_frequencies("Ζωή ζωή ΖΩΉ; Мир мир, café CAFÉ")
    assert_equal(dict(result), {"ζωή": 3, "мир": 2, "café": 2}, what="frequencies of Greek, Cyrillic and accented words")


@pytest.mark.points(2)
def test_word_frequencies_of_empty_text(lab):
    """word_frequencies of a text without words is {}."""
    for text in ("", " ... !? "):
        assert_equal(dict(lab.word_frequencies(text)), {}, what="frequencies of a text without words")


# ---- top_k ---------------------------------------------------------------------------------------------

TIED = {"pear": 3, "fig": 5, "banana": 3, "apple": 3, "kiwi": 1, "cherry": 5}


@pytest.mark.points(3)
def test_top_k_breaks_ties_alphabetically(lab):
    """top_k orders by count descending, then word ascending (not by first occurrence)."""
    assert_equal(as_pairs(lab.top_k(TIED, 3)), [("cherry", 5), ("fig", 5), ("apple", 3)], what="top_k(…, 3)")
    assert_equal(
        as_pairs(lab.top_k(TIED, 5)),
        [("cherry", 5), ("fig", 5), ("apple", 3), ("banana", 3), ("pear", 3)],
        what="top_k(…, 5)",
    )
    assert_equal(as_pairs(lab.top_k({"b": 2, "B": 2, "a": 2}, 2)), [("B", 2), ("a", 2)], what="ties compare as plain str")


@pytest.mark.points(2)
def test_top_k_zero_and_negative(lab):
    """top_k with k == 0 returns [], k == 1 the top entry, and k < 0 raises ValueError."""
    assert_equal(as_pairs(lab.top_k(TIED, 0)), [], what="top_k(…, 0)")
    assert_equal(as_pairs(lab.top_k(TIED, 1)), [("cherry", 5)], what="top_k(…, 1)")
    for k in (-1, -5):
        with pytest.raises(ValueError):
            lab.top_k(TIED, k)


@pytest.mark.points(2)
def test_top_k_every_entry_takes_part(lab):
    """top_k ranks every entry, also counts of 0 and below, and leaves the mapping unchanged."""
    freqs = {"zero": 0, "neg": -2, "b": 2, "a": 2, "one": 1, "also_zero": 0}
    before = dict(freqs)
    expected = [("a", 2), ("b", 2), ("one", 1), ("also_zero", 0), ("zero", 0), ("neg", -2)]
    assert_equal(as_pairs(lab.top_k(freqs, 6)), expected, what="top_k(…, 6) with counts 0 and -2")
    assert_equal(as_pairs(lab.top_k(freqs, 5)), expected[:5], what="top_k(…, 5) with counts 0 and -2")
    assert_equal(as_pairs(lab.top_k(freqs, 6)), expected, what="top_k(…, 6) called a second time")
    check(freqs == before, "top_k changed the mapping it was given")


@pytest.mark.points(2)
def test_top_k_larger_than_vocabulary(lab):
    """top_k with k larger than the vocabulary returns every entry, sorted."""
    expected = [("cherry", 5), ("fig", 5), ("apple", 3), ("banana", 3), ("pear", 3), ("kiwi", 1)]
    assert_equal(as_pairs(lab.top_k(TIED, 100)), expected, what="top_k(…, 100) of 6 entries")
    assert_equal(as_pairs(lab.top_k({}, 3)), [], what="top_k of an empty mapping")


@pytest.mark.points(3)
def test_top_k_random_frequencies(lab):
    """top_k returns exactly k entries in the stated order on random frequencies with many ties."""
    rng = random.Random(5)
    freqs = {f"w{rng.randrange(10**6):06d}": rng.randint(1, 8) for _ in range(300)}
    items = list(freqs.items())
    rng.shuffle(items)
    freqs = dict(items)
    ordered = sorted(freqs.items(), key=lambda wc: (-wc[1], wc[0]))
    for k in (1, 2, 7, 50, len(freqs) - 1, len(freqs), len(freqs) + 1):
        assert_equal(as_pairs(lab.top_k(freqs, k)), ordered[:k], what=f"top_k(…, {k})")


# ---- type_token_ratio ----------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_type_token_ratio_is_case_insensitive(lab):
    """type_token_ratio counts types after lower-casing ('The' and 'the' are one type), also in Greek and Cyrillic."""
    assert_close(lab.type_token_ratio("The cat saw the Cat."), 0.6, atol=1e-12, what="type-token ratio")
    assert_close(lab.type_token_ratio("Go GO go gO, stop"), 0.4, atol=1e-12, what="type-token ratio")
    assert_close(lab.type_token_ratio("Ζωή ΖΩΉ мир МИР Мир"), 0.4, atol=1e-12, what="type-token ratio of Greek and Cyrillic")
    result = lab.type_token_ratio("word")
    check(isinstance(result, float), "type_token_ratio should return a float")
    assert_close(result, 1.0, atol=1e-12, what="type-token ratio of a single word")


@pytest.mark.points(2)
def test_type_token_ratio_random_texts(lab):
    """type_token_ratio equals distinct/total words on generated texts."""
    for seed, n in ((20, 5), (21, 60), (22, 1000)):
        text, tokens = random_text(seed, n, PLAIN_VOCAB)
        assert_close(
            lab.type_token_ratio(text), len(set(tokens)) / len(tokens), atol=1e-12, what=f"ratio of generated text #{seed}"
        )


@pytest.mark.points(2)
def test_type_token_ratio_without_words_raises(lab):
    """type_token_ratio raises ValueError for a text without words (and not for a text with words)."""
    assert_close(lab.type_token_ratio("_ a - A _"), 0.5, atol=1e-12, what="type-token ratio of a text with two words")
    for text in ("", "... !!! --", "_ ' _"):
        with pytest.raises(ValueError):
            lab.type_token_ratio(text)


# ---- split_sentences -----------------------------------------------------------------------------------

SENTENCE_CASES = {
    "simple": [
        ("Hello world. How are you? I am fine!", ["Hello world.", "How are you?", "I am fine!"]),
        ("Really?! Yes.", ["Really?!", "Yes."]),
    ],
    "abbreviations": [
        (
            "Dr. Smith met Mrs. Jones at St. Paul's. They talked.",
            ["Dr. Smith met Mrs. Jones at St. Paul's.", "They talked."],
        ),
        ("Use a capital, e.g. Paris or Rome. Then stop.", ["Use a capital, e.g. Paris or Rome.", "Then stop."]),
        ("DR. Who arrived. (Cf. Fig. 2) Done.", ["DR. Who arrived.", "(Cf. Fig. 2) Done."]),
    ],
    "periods_inside_tokens": [
        (
            "Pi is about 3.14 and e is 2.718. Both are irrational.",
            ["Pi is about 3.14 and e is 2.718.", "Both are irrational."],
        ),
        ("Visit example.com today. It costs 5. 6 is more.", ["Visit example.com today.", "It costs 5.", "6 is more."]),
    ],
    "closing_quotes": [
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        (
            "She whispered 'go.' Nobody moved. (It was late.) Then dawn.",
            ["She whispered 'go.'", "Nobody moved.", "(It was late.)", "Then dawn."],
        ),
    ],
    "lowercase_continuation": [
        ("“Run!” she shouted. Nobody moved.", ["“Run!” she shouted.", "Nobody moved."]),
        ('"Why?" asked Tom. "Because." she said', ['"Why?" asked Tom.', '"Because." she said']),
    ],
    "ellipses": [
        ("I was... tired. Then… Nothing.", ["I was... tired.", "Then…", "Nothing."]),
        ("Wait... What?", ["Wait...", "What?"]),
    ],
    "whitespace_and_line_breaks": [
        ("  One.\n\nTwo!\tThree?  ", ["One.", "Two!", "Three?"]),
        ("A line\nwraps here. Next.", ["A line\nwraps here.", "Next."]),
        ("", []),
        (" \n\t ", []),
    ],
    "non_ascii_case": [
        ("Stop! émile ran. Ναι! λέει. Да? Нет. Oui! Élise vient.", ["Stop! émile ran.", "Ναι! λέει.", "Да?", "Нет.", "Oui!", "Élise vient."]),
        ("Ελα. «Ναι» 3 φορές! ωραία… Τέλος", ["Ελα.", "«Ναι» 3 φορές! ωραία…", "Τέλος"]),
    ],
    "abbreviation_rules": [
        (
            "Ask the Dr! Then go. Or ask Mr? No. See Dr... Next. (“Mr. Big” came.) Done.",
            ["Ask the Dr!", "Then go.", "Or ask Mr?", "No.", "See Dr...", "Next.", "(“Mr. Big” came.)", "Done."],
        ),
        ("It was (see Dr.) Good. PROF. X and ‘Approx. 3’ hours.", ["It was (see Dr.) Good.", "PROF. X and ‘Approx. 3’ hours."]),
        ("Mr… Yes. Dr.", ["Mr…", "Yes.", "Dr."]),
    ],
    "final_fragment": [
        ("First one. Second part without end", ["First one.", "Second part without end"]),
        ("no terminator at all", ["no terminator at all"]),
        ("Ends here.   ", ["Ends here."]),
    ],
}


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(SENTENCE_CASES))
def test_split_sentences_hand_cases(lab, case):
    """split_sentences follows the rules (abbreviations, decimals, quotes, ellipses, lower-case continuation)."""
    for i, (text, expected) in enumerate(SENTENCE_CASES[case], 1):
        assert_equal(lab.split_sentences(text), expected, what=f"sentences of '{case}' example {i}")


@pytest.mark.points(2)
def test_split_sentences_random_texts(lab):
    """split_sentences recovers the sentences of generated texts."""
    for seed in range(5):
        text, sentences, _ = random_sentences(seed, 40)
        assert_equal(lab.split_sentences(text), sentences, what=f"sentences of generated text #{seed}")


# ---- split_documents -----------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_split_documents_on_blank_lines(lab):
    """split_documents splits on runs of blank (or whitespace-only) lines."""
    text = "\n\nFirst doc line one\nline two\n\n\n  \nSecond doc\n \t\nThird\n\n"
    assert_equal(lab.split_documents(text), ["First doc line one\nline two", "Second doc", "Third"], what="documents")
    assert_equal(lab.split_documents("  indented\ntrailing  "), ["  indented\ntrailing  "], what="one document, lines unchanged")


@pytest.mark.points(2)
def test_split_documents_edge_cases(lab):
    """split_documents handles \\r\\n line ends and blank text."""
    assert_equal(lab.split_documents("a\r\nb\r\n\r\nc\r\n"), ["a\nb", "c"], what="documents of a \\r\\n text")
    assert_equal(lab.split_documents(""), [], what="documents of empty text")
    assert_equal(lab.split_documents("  \n\n\t\n"), [], what="documents of blank text")


@pytest.mark.points(2)
def test_split_documents_every_line_break(lab):
    """split_documents uses str.splitlines() (\\r, \\u2028, ...) and str.strip() for blank lines (no-break spaces too)."""
    text = "a\rb\r\rc\u2028d\u2028\u00a0\u2028e\x0cf\n\u3000\t\nΚείμενο ένα\r\n\r\nтекст два"
    assert_equal(
        lab.split_documents(text), ["a\nb", "c\nd", "e\nf", "Κείμενο ένα", "текст два"], what="documents of a text with mixed line breaks"
    )
    assert_equal(lab.split_documents("one line"), ["one line"], what="documents of a single line without a line break")


# ---- sentence lengths and their distribution -----------------------------------------------------------


@pytest.mark.points(2)
def test_sentence_lengths_hand_case(lab):
    """sentence_lengths counts words per sentence (a sentence may have 0 words)."""
    text = "Dr. Smith's dog barked twice. It's 3.14 m long! ... Bye."
    assert_equal(lab.sentence_lengths(text), [5, 5, 0, 1], what="sentence lengths")
    assert_equal(lab.sentence_lengths(""), [], what="sentence lengths of empty text")


@pytest.mark.points(2)
def test_sentence_lengths_random_texts(lab):
    """sentence_lengths matches the known lengths of generated sentences."""
    for seed in (30, 31):
        text, _, lengths = random_sentences(seed, 50)
        assert_equal(lab.sentence_lengths(text), lengths, what=f"sentence lengths of generated text #{seed}")


SUMMARY_KEYS = {"count", "min", "max", "mean", "median", "p10", "p90"}


@pytest.mark.points(4)
def test_summarize_lengths_matches_numpy(lab):
    """summarize_lengths matches numpy (mean, and percentiles with the default 'linear' method)."""
    rng = np.random.default_rng(40)
    for n in (1, 2, 5, 7, 13, 101):
        lengths = [int(x) for x in rng.integers(0, 40, size=n)]
        result = lab.summarize_lengths(lengths)
        check(isinstance(result, dict), "summarize_lengths should return a dict")
        check(set(result) == SUMMARY_KEYS, "summarize_lengths should return exactly the keys of the docstring")
        check(result["count"] == n, f"count is wrong for {n} lengths")
        values = np.asarray(lengths, dtype=float)
        p10, median, p90 = np.percentile(values, [10, 50, 90])
        expected = {"min": values.min(), "max": values.max(), "mean": values.mean(), "median": median, "p10": p10, "p90": p90}
        for key, value in expected.items():
            assert_close(result[key], float(value), atol=1e-9, rtol=1e-12, what=f"{key} of {n} lengths")


@pytest.mark.points(2)
def test_summarize_lengths_hand_case(lab):
    """summarize_lengths interpolates percentiles linearly between sorted values."""
    result = lab.summarize_lengths([10, 1, 4, 2])
    expected = {"count": 4, "min": 1.0, "max": 10.0, "mean": 4.25, "median": 3.0, "p10": 1.3, "p90": 8.2}
    check(set(result) == SUMMARY_KEYS, "summarize_lengths should return exactly the keys of the docstring")
    for key, value in expected.items():
        assert_close(result[key], value, atol=1e-9, what=key)


@pytest.mark.points(2)
def test_summarize_lengths_types_and_inputs(lab):
    """summarize_lengths returns an int count and float statistics, takes tuples and floats, and leaves its input unchanged."""
    lengths = [7, 3, 3, 12, 0]
    before = list(lengths)
    result = lab.summarize_lengths(lengths)
    check(lengths == before, "summarize_lengths changed (e.g. sorted) the list it was given")
    check(isinstance(result["count"], int) and not isinstance(result["count"], bool), "count should be an int")
    for key in ("min", "max", "mean", "median", "p10", "p90"):
        check(isinstance(result[key], float), f"{key} should be a float")
    assert_close(result["median"], 3.0, atol=1e-12, what="median of an unsorted list")
    values = (2.5, 0.5, 10.25, 4.0, 4.0, 1.75)
    result = lab.summarize_lengths(values)
    check(result["count"] == 6, "count is wrong for a tuple of 6 floats")
    p10, median, p90 = np.percentile(np.asarray(values), [10, 50, 90])
    expected = {"min": 0.5, "max": 10.25, "mean": float(np.mean(values)), "median": median, "p10": p10, "p90": p90}
    for key, value in expected.items():
        assert_close(result[key], float(value), atol=1e-9, what=f"{key} of a tuple of floats")
    result = lab.summarize_lengths([5])
    for key in ("min", "max", "mean", "median", "p10", "p90"):
        assert_close(result[key], 5.0, atol=1e-12, what=f"{key} of a single value")


@pytest.mark.points(2)
def test_summarize_lengths_empty_raises(lab):
    """summarize_lengths raises ValueError for an empty sequence (and not for a one-element one)."""
    assert_close(lab.summarize_lengths([3])["mean"], 3.0, atol=1e-12, what="mean of a single value")
    for empty in ([], ()):
        with pytest.raises(ValueError):
            lab.summarize_lengths(empty)


# ---- Zipf ----------------------------------------------------------------------------------------------


def polyfit_slope(counts) -> float:
    ranked = sorted((c for c in counts if c > 0), reverse=True)
    x = np.log(np.arange(1, len(ranked) + 1))
    return float(np.polyfit(x, np.log(np.asarray(ranked, dtype=float)), 1)[0])


@pytest.mark.points(2)
def test_zipf_slope_of_exact_power_law(lab):
    """zipf_slope returns -s (a negative number) for counts exactly proportional to rank**-s."""
    rng = random.Random(50)
    for s in (1.0, 0.75, 1.5):
        items = [(f"w{r}", 1000.0 * r**-s) for r in range(1, 61)]
        rng.shuffle(items)
        result = lab.zipf_slope(dict(items))
        check(isinstance(result, float), "zipf_slope should return a float")
        assert_close(result, -s, atol=1e-9, what=f"slope for exponent {s}")


@pytest.mark.points(2)
def test_zipf_slope_matches_polyfit(lab):
    """zipf_slope matches numpy.polyfit on log rank vs log count (integer counts with ties, zeros ignored)."""
    rng = np.random.default_rng(51)
    for n in (2, 3, 40, 500):
        counts = [int(c) for c in rng.integers(1, 300, size=n)]
        freqs = {f"w{i}": c for i, c in enumerate(counts)}
        freqs["never"] = 0
        assert_close(lab.zipf_slope(freqs), polyfit_slope(counts), atol=1e-9, rtol=1e-9, what=f"slope for {n} words")


@pytest.mark.points(2)
def test_zipf_slope_max_rank(lab):
    """zipf_slope with max_rank fits only the top ranks."""
    rng = np.random.default_rng(52)
    counts = [int(c) for c in rng.integers(1, 1000, size=80)]
    freqs = {f"w{i}": c for i, c in enumerate(counts)}
    top = sorted(counts, reverse=True)
    for max_rank in (2, 10, 80, 1000):
        assert_close(
            lab.zipf_slope(freqs, max_rank=max_rank),
            polyfit_slope(top[:max_rank]),
            atol=1e-9,
            rtol=1e-9,
            what=f"slope with max_rank={max_rank}",
        )


@pytest.mark.points(2)
def test_zipf_slope_invalid_input_raises(lab):
    """zipf_slope raises ValueError with fewer than 2 positive counts, max_rank < 2 or a negative count (valid calls succeed)."""
    valid = {"a": 8, "b": 4, "c": 0}
    before = dict(valid)
    assert_close(lab.zipf_slope(valid), -1.0, atol=1e-9, what="slope of counts 8, 4 and 0")
    assert_close(lab.zipf_slope(valid, max_rank=2), -1.0, atol=1e-9, what="slope with max_rank=2")
    check(valid == before, "zipf_slope changed the mapping it was given")
    for freqs, kwargs in (
        ({"a": 5}, {}),
        ({"a": 5, "b": 0}, {}),
        ({}, {}),
        ({"a": 5, "b": 3, "c": 1}, {"max_rank": 1}),
        ({"a": 5, "b": 3, "c": 1}, {"max_rank": 0}),
        ({"a": 5, "b": -3, "c": 1}, {}),
        ({"a": 5, "b": -1, "c": 1}, {}),
        ({"a": 5.0, "b": -0.5, "c": 1.0}, {}),
    ):
        with pytest.raises(ValueError):
            lab.zipf_slope(freqs, **kwargs)


# ---- text_stats ----------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_text_stats_summary(lab):
    """text_stats returns the documented keys with consistent values."""
    text = "The cat sat. The cat ran away!\n\nDr. Who? A dog... it barked.\n"
    result = lab.text_stats(text)
    check(isinstance(result, dict), "text_stats should return a dict")
    expected = {
        "characters": len(text),
        "words": 13,
        "types": 11,
        "sentences": 4,
        "documents": 2,
        "type_token_ratio": 11 / 13,
        "mean_sentence_length": 13 / 4,
    }
    check(set(result) == set(expected), "text_stats should return exactly the keys of the docstring")
    for key, value in expected.items():
        assert_close(result[key], value, atol=1e-12, what=key)


@pytest.mark.points(2)
def test_text_stats_types_and_non_ascii(lab):
    """text_stats returns int counts and float ratios, on a Greek and Cyrillic text too."""
    text = "Καλημέρα κόσμε! Ζωή…\r\n\r\nПривет, мир. Мир! 😀"
    result = lab.text_stats(text)
    expected = {
        "characters": len(text),
        "words": 6,
        "types": 5,
        "sentences": 5,
        "documents": 2,
        "type_token_ratio": 5 / 6,
        "mean_sentence_length": 6 / 5,
    }
    check(set(result) == set(expected), "text_stats should return exactly the keys of the docstring")
    for key in ("characters", "words", "types", "sentences", "documents"):
        check(isinstance(result[key], int) and not isinstance(result[key], bool), f"{key} should be an int")
        assert_equal(result[key], expected[key], what=key)
    for key in ("type_token_ratio", "mean_sentence_length"):
        check(isinstance(result[key], float), f"{key} should be a float")
        assert_close(result[key], expected[key], atol=1e-12, what=key)


@pytest.mark.points(2)
def test_text_stats_without_words_raises(lab):
    """text_stats raises ValueError for a text without words (and not for a one-word text)."""
    assert_equal(lab.text_stats("Word")["words"], 1, what="words of a one-word text")
    for text in (" ... \n\n !? ", ""):
        with pytest.raises(ValueError):
            lab.text_stats(text)
