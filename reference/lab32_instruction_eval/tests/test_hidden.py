"""Hidden tests for lab 32 (evaluating instruction-following responses).

Oracles:

* ``exact_match`` / ``token_f1``: the official SQuAD evaluation script's
  ``normalize_answer`` and ``f1_score`` (v2 rule for empty answers),
  written out below;
* ``rouge_l``: ``rouge_score.rouge_scorer.RougeScorer(["rougeL"])`` (``score`` and
  ``score_multi``);
* ``bleu`` / ``sentence_bleu``: ``sacrebleu.corpus_bleu`` / ``sacrebleu.sentence_bleu``;
* the clients: a protocol-faithful mock of the Ollama API and of an
  OpenAI-compatible server, served by ``lab.http_server`` on the loopback
  of the student's code; it records every request (path, headers, JSON
  body), streams NDJSON chunked or close-delimited, splits lines and UTF-8
  characters across chunks, answers 4xx/5xx with the APIs' error bodies
  and ``Retry-After``, cuts streams short and stalls.
"""

from __future__ import annotations

import collections
import contextlib
import json
import random
import re
import string
import time
from http.server import BaseHTTPRequestHandler

import pytest
import sacrebleu
from rouge_score import rouge_scorer

from autograder.testing import assert_close, check

EXACT = dict(atol=1e-12, rtol=0.0)
FAST = dict(timeout=2.0, max_retries=2, backoff=0.01)


# ---- the SQuAD oracle (official evaluate-v2.0.py) -----------------------------------------------------------


def squad_normalize(s):
    def remove_articles(text):
        return re.sub(r"\b(a|an|the)\b", " ", text)

    def white_space_fix(text):
        return " ".join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return "".join(ch for ch in text if ch not in exclude)

    return white_space_fix(remove_articles(remove_punc(s.lower())))


def squad_f1(prediction, truth):
    pred_toks, gold_toks = squad_normalize(prediction).split(), squad_normalize(truth).split()
    if len(pred_toks) == 0 or len(gold_toks) == 0:
        return float(pred_toks == gold_toks)
    common = collections.Counter(gold_toks) & collections.Counter(pred_toks)
    num_same = sum(common.values())
    if num_same == 0:
        return 0.0
    precision, recall = num_same / len(pred_toks), num_same / len(gold_toks)
    return 2 * precision * recall / (precision + recall)


WORDS = ("The the a an cat Cat dog sat on mat mat . , ! ? ; 3.5 1,000 don't it's Café naïve Straße 東京 "
         "-- x-ray 12-3 & &amp; &quot; <b> (yes) [no] \"quoted\" e.g. U.S.A. 42 theatre another ¿qué? — a").split()


def random_text(rng, low=0, high=14):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


HANDMADE = [
    "", " ", "...", "the", "A cat sat on the mat.", "a cat sat on a mat", "The Eiffel Tower, in Paris!",
    "Paris is the capital of France.", "It's  the   capital\tof\nFrance", "don't stop", "Do not stop",
    "café au lait", "CAFÉ", "naïve résumé", "東京 is big", "1,000.50 dollars", "x-ray vision", "the the the cat",
    "cat the cat the", "an apple a day", "Anne and the annex", "TheCat", "¿qué?", "α β γ",
]


# ---- normalisation, exact match, token F1 ------------------------------------------------------------------


@pytest.mark.points(3)
def test_normalize_answer_matches_squad(lab):
    """normalize_answer equals SQuAD's (lowercase, ASCII punctuation, articles, whitespace) on many texts."""
    rng = random.Random(0)
    texts = HANDMADE + [random_text(rng) for _ in range(200)]
    got = lab.map(lab.normalize_answer, [(t,) for t in texts])
    for text, g in zip(texts, got):
        check(g == squad_normalize(text), f"normalize_answer({text!r}) is wrong")


@pytest.mark.points(3)
def test_exact_match(lab):
    """exact_match compares normalised texts, takes the best of several references, and refuses none."""
    cases = [("The Cat!", "cat", 1.0), ("cat", "the cat sat", 0.0), ("Paris", "paris.", 1.0),
             ("an apple", "apple", 1.0), ("apples", "apple", 0.0), ("", "", 1.0), ("the", "", 1.0),
             ("", "a cat", 0.0), ("Café", "café", 1.0), ("cat dog", "dog cat", 0.0), ("1,000", "1000", 1.0),
             ("Paris", ["London", "PARIS"], 1.0), ("Paris", ("London", "Rome"), 0.0), ("x", ["x"], 1.0)]
    for pred, ref, expected in cases:
        got = lab.exact_match(pred, ref)
        check(isinstance(got, float) and got == expected, f"exact_match({pred!r}, {ref!r}) is wrong (a float 0.0 or 1.0)")
    check(lab.exact_match(prediction="a b", reference=["b", "A  B"]) == 1.0, "keyword call with a list of references")
    for refs in ([], ()):
        with pytest.raises(ValueError):
            lab.exact_match("cat", refs)


@pytest.mark.points(4)
def test_token_f1_matches_squad(lab):
    """token_f1 equals SQuAD's F1 (multiset overlap) on random and hand-made pairs, and the max over references."""
    rng = random.Random(1)
    pairs = [(a, b) for a in HANDMADE[:12] for b in HANDMADE[4:16]]
    pairs += [(random_text(rng), random_text(rng)) for _ in range(300)]
    pairs += [("cat cat cat dog", "cat dog dog"), ("the cat cat", "cat"), ("cat", "cat cat cat cat"),
              ("a b c d e f", "f e d c b a"), ("dog dog", "dog cat")]
    got = lab.map(lab.token_f1, pairs)
    for (pred, ref), g in zip(pairs, got):
        assert_close(g, squad_f1(pred, ref), **EXACT, what=f"token_f1({pred!r}, {ref!r})")
    for _ in range(30):
        pred, refs = random_text(rng, 1), [random_text(rng, 1) for _ in range(rng.randint(1, 4))]
        assert_close(lab.token_f1(pred, refs), max(squad_f1(pred, r) for r in refs), **EXACT,
                     what="token_f1 with several references (their maximum)")
    assert_close(lab.token_f1(prediction="cat sat", reference=("dog", "the cat")), 2 / 3, **EXACT,
                 what="token_f1 with a tuple of references, keyword call")


@pytest.mark.points(2)
def test_token_f1_empty(lab):
    """token_f1 is 1.0 when both sides have no tokens, 0.0 when one side has none; ValueError without references."""
    for pred, ref, expected in [("", "", 1.0), ("the", "a ...", 1.0), ("", "cat", 0.0), ("cat", "", 0.0),
                                ("!!", "the cat", 0.0), ("cat", "dog", 0.0), ("cat", ["", "dog"], 0.0),
                                ("", ["dog", "an"], 1.0)]:
        got = lab.token_f1(pred, ref)
        check(isinstance(got, float) and got == expected, f"token_f1({pred!r}, {ref!r}) is wrong")
    with pytest.raises(ValueError):
        lab.token_f1("cat", [])


# ---- ROUGE-L --------------------------------------------------------------------------------------------------

SCORER = rouge_scorer.RougeScorer(["rougeL"])


@pytest.mark.points(5)
def test_rouge_l_matches_rouge_score(lab):
    """rouge_l equals rouge-score's ROUGE-L F-measure on random and hand-made pairs (unicode, punctuation, case)."""
    rng = random.Random(2)
    pairs = [(a, b) for a in HANDMADE for b in HANDMADE[::3]]
    pairs += [(random_text(rng), random_text(rng)) for _ in range(300)]
    pairs += [(random_text(rng, 30, 60), random_text(rng, 30, 60)) for _ in range(5)]
    pairs += [("the cat sat on the mat", "the mat sat on the cat"), ("a b c d", "d c b a"),
              ("police killed the gunman", "the gunman killed police"), ("Hello, World!", "hello world"),
              ("abc abd", "abd abc abd"), ("café", "caf"), ("3.14159 is pi", "pi is 3 14159")]
    got = lab.map(lab.rouge_l, pairs)
    for (pred, ref), g in zip(pairs, got):
        assert_close(g, SCORER.score(ref, pred)["rougeL"].fmeasure, **EXACT, what=f"rouge_l({pred!r}, {ref!r})")


@pytest.mark.points(3)
def test_rouge_l_edges_and_references(lab):
    """rouge_l is 0.0 with an empty side, takes the best of several references (score_multi); ValueError without any."""
    for pred, ref in [("", ""), ("", "cat"), ("cat", ""), ("...", "!!!"), ("東京", "東京"), ("cat", "dog")]:
        got = lab.rouge_l(pred, ref)
        check(isinstance(got, float) and got == 0.0, f"rouge_l({pred!r}, {ref!r}) should be 0.0")
    check(lab.rouge_l("The Cat", "the cat.") == 1.0, "rouge_l of texts with the same tokens should be 1.0")
    rng = random.Random(3)
    for _ in range(40):
        pred, refs = random_text(rng, 1), [random_text(rng) for _ in range(rng.randint(1, 4))]
        expected = SCORER.score_multi(refs, pred)["rougeL"].fmeasure
        assert_close(lab.rouge_l(pred, refs), expected, **EXACT, what="rouge_l with several references")
    for refs in (["...", "a cat"], ["", "x", "cat sat"], ["cat sat", ""]):
        assert_close(lab.rouge_l("a cat sat", refs), SCORER.score_multi(refs, "a cat sat")["rougeL"].fmeasure, **EXACT,
                     what=f"rouge_l with the references {refs} (an empty one among them)")
    assert_close(lab.rouge_l(prediction="a cat sat", reference=("dog sat", "a cat")),
                 SCORER.score_multi(["dog sat", "a cat"], "a cat sat")["rougeL"].fmeasure, **EXACT,
                 what="rouge_l with a tuple of references, keyword call")
    with pytest.raises(ValueError):
        lab.rouge_l("cat", [])


# ---- BLEU -----------------------------------------------------------------------------------------------------


def streams(references):
    refs = [[r] if isinstance(r, str) else list(r) for r in references]
    return [[r[j] if j < len(r) else None for r in refs] for j in range(max(map(len, refs)))]


def sacre_corpus(predictions, references):
    return sacrebleu.corpus_bleu(list(predictions), streams(references)).score


@pytest.mark.points(5)
def test_bleu_matches_sacrebleu(lab):
    """bleu equals sacrebleu.corpus_bleu on random corpora with one reference each (13a tokens, exp smoothing)."""
    rng = random.Random(4)
    for size in (1, 1, 2, 3, 5, 8, 13, 40):
        for _ in range(4):
            preds = [random_text(rng, 0, 18) for _ in range(size)]
            refs = [random_text(rng, 0, 18) for _ in range(size)]
            if rng.random() < 0.5:                          # near copies: high scores
                refs = [p if rng.random() < 0.5 else p + " " + random_text(rng, 0, 4) for p in preds]
            assert_close(lab.bleu(preds, refs), sacre_corpus(preds, refs), atol=1e-9, rtol=0,
                         what=f"bleu of a corpus of {size}")
    preds = [random_text(rng, 1, 10) for _ in range(300)]
    refs = [random_text(rng, 1, 10) for _ in range(300)]
    assert_close(lab.bleu(preds, refs), sacre_corpus(preds, refs), atol=1e-9, rtol=0, what="bleu of a corpus of 300")
    preds = ["The quick brown fox jumps over the lazy dog.", "It is a guide to action."]
    refs = ("The quick brown fox jumped over the lazy dog.", "It is a guide to action that ensures success.")
    assert_close(lab.bleu(predictions=tuple(preds), references=refs), sacre_corpus(preds, refs), atol=1e-9, rtol=0,
                 what="bleu with tuples, keyword call")


@pytest.mark.points(3)
def test_bleu_multiple_references(lab):
    """bleu with several references per prediction (their number varying) equals sacrebleu with None-padded streams."""
    rng = random.Random(5)
    for size in (1, 3, 6, 12):
        for _ in range(5):
            preds = [random_text(rng, 2, 16) for _ in range(size)]
            refs = [[random_text(rng, 0, 16) for _ in range(rng.randint(1, 4))] for _ in range(size)]
            refs = [r if rng.random() < 0.7 else tuple(r) for r in refs]
            if size > 1:
                refs[0] = random_text(rng, 1, 8)           # a plain string among lists
            assert_close(lab.bleu(preds, refs), sacre_corpus(preds, refs), atol=1e-9, rtol=0,
                         what="bleu with several references per prediction")
    # clipping by the maximum count in ONE reference; closest reference length, the shorter on a tie
    for preds, refs in [(["the the the the cat"], [["the cat the", "the the cat"]]),
                        (["a b c d e f"], [["a b c d", "a b c d e f g h"]]),
                        (["a b c d e"], [["a b c d e f g", "a b c"]]),
                        (["one two three four five six"], [["one two three four", "one two three four five six seven eight"]])]:
        assert_close(lab.bleu(preds, refs), sacre_corpus(preds, refs), atol=1e-9, rtol=0,
                     what=f"bleu({preds}, {refs})")


@pytest.mark.points(3)
def test_bleu_brevity_and_named_values(lab):
    """bleu: brevity penalty, 100 for a copy, 0 without matches or without 4-grams, empty predictions; errors."""
    cases = [(["a b c d e f g h"], ["a b c d e f g h"]),                  # a copy: 100
             (["a b c d"], ["a b c d e f g h"]),                          # short: BP < 1
             (["a b c d e f g h i j"], ["a b c d e"]),                    # long: no BP
             (["a b c"], ["a b c"]),                                       # no 4-gram: 0
             (["x y z w"], ["a b c d"]),                                   # no match: 0
             (["", "a b c d e"], ["a b c d e", "a b c d e"]),               # an empty prediction
             ([""], ["a b"]), ([""], [""]),
             (["a b c d x", "p q r s"], ["a b c d y", "p q r s t u v"]),   # a zero 4-gram precision: smoothed
             (["the cat sat on the mat"], ["the cat is on the mat"])]
    for preds, refs in cases:
        got = lab.bleu(preds, refs)
        check(isinstance(got, float), "bleu should return a float")
        assert_close(got, sacre_corpus(preds, refs), atol=1e-9, rtol=0, what=f"bleu({preds}, {refs})")
    for preds, refs in [([], []), (["a"], []), (["a", "b"], ["a"]), (["a"], ["a", "b"]), (["a"], [[]]), (["a"], [()])]:
        with pytest.raises(ValueError):
            lab.bleu(preds, refs)


@pytest.mark.points(2)
def test_bleu_is_corpus_level(lab):
    """bleu pools n-gram counts and lengths over the corpus (not a mean of sentence scores)."""
    preds = ["the cat sat on the mat today", "a dog", "one two three four five six seven", "b c"]
    refs = ["the cat sat on the mat", "a dog barked loudly at night", "one two three four five six seven", "a b c d"]
    expected = sacre_corpus(preds, refs)
    mean = sum(sacrebleu.sentence_bleu(p, [r]).score for p, r in zip(preds, refs)) / len(preds)
    check(abs(expected - mean) > 1, "(test self-check)")
    assert_close(lab.bleu(preds, refs), expected, atol=1e-9, rtol=0, what="corpus bleu of 4 sentences")


@pytest.mark.points(1)
def test_bleu_13a_tokenisation(lab):
    """bleu tokenises like sacrebleu's 13a: punctuation, numbers, dashes, HTML entities, line breaks."""
    preds = ["Hello, world! It costs $1,000.50 (or 1.5k).", "x-ray 12-3 &amp; &quot;quoted&quot; a&lt;b",
             "line-\nbreak and\nnewline  ", "don't <skipped> stop; e.g. U.S.A.", "Café, naïve: 東京!"]
    refs = ["Hello , world ! It costs $ 1,000.50 ( or 1.5k ) .", "x-ray 12 - 3 & \" quoted \" a < b",
            "linebreak and newline", "don ' t stop ; e.g . U.S.A .", "Café , naïve : 東京 !"]
    for pred, ref in zip(preds, refs):
        assert_close(lab.bleu([pred], [ref]), sacre_corpus([pred], [ref]), atol=1e-9, rtol=0,
                     what=f"bleu([{pred!r}], [{ref!r}])")


@pytest.mark.points(4)
def test_sentence_bleu_matches_sacrebleu(lab):
    """sentence_bleu equals sacrebleu.sentence_bleu (effective order) for short, long, empty and multi-reference cases."""
    rng = random.Random(6)
    cases = [(random_text(rng, 0, 16), random_text(rng, 0, 16)) for _ in range(150)]
    cases += [(p, [random_text(rng, 0, 12) for _ in range(rng.randint(1, 3))]) for p in
              (random_text(rng, 1, 12) for _ in range(60))]
    cases += [("a b", "a b c"), ("a", "a"), ("a b c", ["a b c d", "x"]), ("", "a"), ("a b", "c d"),
              ("a b c d", "a b x d"), ("a b a b", ("a b",)), ("the cat", "the cat sat on the mat")]
    got = lab.map(lab.sentence_bleu, cases)
    for (pred, refs), g in zip(cases, got):
        expected = sacrebleu.sentence_bleu(pred, [refs] if isinstance(refs, str) else list(refs)).score
        assert_close(g, expected, atol=1e-9, rtol=0, what=f"sentence_bleu({pred!r}, {refs!r})")
    assert_close(lab.sentence_bleu(prediction="a b c", references=["a b c"]), 100.0, atol=1e-9, rtol=0,
                 what="sentence_bleu of a copy, keyword call")
    with pytest.raises(ValueError):
        lab.sentence_bleu("a b", [])


# ---- the judge's prompt and replies -------------------------------------------------------------------------


@pytest.mark.points(3)
def test_judge_prompt(lab):
    """judge_prompt holds the question, the answer, the reference only when given, the scale and 'Rating: [['."""
    q, a, r = "What is 7 x 6? Explain.", "It is 42, because 7 x 6 = 42.", "42 (forty-two)"
    with_ref = lab.judge_prompt(q, a, r)
    without = lab.judge_prompt(q, a)
    for prompt, what in [(with_ref, "with a reference"), (without, "without a reference")]:
        check(isinstance(prompt, str), "judge_prompt should return a str")
        check(q in prompt and a in prompt, f"the prompt {what} should contain the question and the answer verbatim")
        check("Rating: [[" in prompt, f"the prompt {what} should ask for the verdict as 'Rating: [[N]]'")
        check("1" in prompt and "10" in prompt, f"the prompt {what} should state the scale 1 to 10")
    check(r in with_ref, "the prompt should contain the reference answer verbatim when one is given")
    check(with_ref == lab.judge_prompt(question=q, answer=a, reference=r, low=1, high=10),
          "the default scale should be low=1, high=10")
    check("forty-two" not in without and "None" not in without and "reference" not in without.lower(),
          "the prompt without a reference should not mention one (not even the word 'reference')")
    custom = lab.judge_prompt(question="Name a color.", answer="Blue", reference=None, low=3, high=7)
    check("3" in custom and "7" in custom and "Rating: [[" in custom and "Name a color." in custom,
          "judge_prompt(low=3, high=7) should state the scale 3 to 7")
    empty_ref = lab.judge_prompt(q, a, reference="")
    check(empty_ref != without, "an empty reference (\"\") is still a reference: only None means none")
    for low, high in [(5, 5), (7, 3)]:
        with pytest.raises(ValueError):
            lab.judge_prompt(q, a, low=low, high=high)


@pytest.mark.points(4)
def test_parse_score_formats(lab):
    """parse_score reads bracketed, fraction, labelled (markdown, JSON) and bare scores from messy replies."""
    cases = [
        ("Rating: [[6]]", 6), ("[[ 9 ]]", 9), ("The answer is correct.\n\nRating: [[8]]", 8),
        ("Score: 8/10", 8), ("I rate it 7 / 10.", 7), ("8 out of 10", 8), ("a solid 6 Out Of 10", 6),
        ("**Score:** 7", 7), ("**Rating**: 5", 5), ('{"score": 7}', 7), ('{"rating": 4, "reason": "ok"}', 4),
        ("score=3", 3), ("SCORE : 9", 9), ("Rating: '2'", 2),
        ("7", 7), ("  10.  ", 10), ("**7**", 7), ("7.0", 7), ("Final answer: 1", 1),
        ("On a scale of 1 to 10, I'd give it a 7.", 7), ("Rating (1-10): 9", 9),
        ("The response follows 3 of the 4 instructions; I give it 6", 6),
    ]
    got = lab.map(lab.parse_score, [(reply,) for reply, _ in cases])
    for (reply, expected), g in zip(cases, got):
        check(g == expected and isinstance(g, int), f"parse_score({reply!r}) is wrong")


@pytest.mark.points(2)
def test_parse_score_precedence(lab):
    """parse_score: [[N]] beats N/10 beats 'Score: N' beats a bare number; the last of a kind wins."""
    cases = [
        ("Score: 3. After more thought: [[7]]", 7), ("[[4]] ... 9/10", 4), ("Score: 9 ... 6/10 ... 2", 6),
        ("Score: 4, then score: 8 and 10", 8), ("[[2]] first, then [[5]]", 5), ("3/10 then 5/10", 5),
        ("1 2 3 4", 4), ("Rating: 5 (a 2 would be too harsh)", 5), ("7/10 overall; 10/10 for style", 10),
        ("Rating: 8, out of 10 possible points: 2 missing", 8),
    ]
    got = lab.map(lab.parse_score, [(reply,) for reply, _ in cases])
    for (reply, expected), g in zip(cases, got):
        check(g == expected, f"parse_score({reply!r}) is wrong")


@pytest.mark.points(3)
def test_parse_score_range_and_invalid(lab):
    """parse_score returns None out of [low, high], for fractions of a point and without a number; custom scales."""
    cases = [
        (("Score: 11",), None), (("[[0]]",), None), (("[[10]]",), 10), (("[[1]]",), 1), (("-3",), None),
        (("Rating: 7.5",), None), (("[[8.5]] then 3",), None), (("no number here",), None), (("",), None),
        (("Score: 11. Oops, I meant [[12]]",), None), (("15/10",), None),
        (("Rating: [[5]]", 1, 5), 5), (("Rating: [[6]]", 1, 5), None), (("4/5", 1, 5), 4), (("4 out of 5", 0, 5), 4),
        (("Score: 0", 0, 5), 0), (("8/10", 1, 5), None), (("3/10", 1, 5), None), (("[[7]]", 3, 7), 7),
        (("[[2]]", 3, 7), None), (("40 out of 100", 0, 100), 40), (("Score: 7/100", 0, 100), 7),
    ]
    got = lab.map(lab.parse_score, [args for args, _ in cases])
    for (args, expected), g in zip(cases, got):
        check(g == expected, f"parse_score{args!r} is wrong")
    check(lab.parse_score(reply="Score: 4", low=5, high=9) is None, "parse_score(..., low=5, high=9), keyword call")
    check(lab.parse_score(reply="Score: 9", high=9) == 9, "parse_score(..., high=9), keyword call")


@pytest.mark.points(2)
def test_parse_verdict(lab):
    """parse_verdict maps [[A]], [[B]], [[C]] to 'A', 'B', 'tie' (the last wins) and gives None otherwise."""
    cases = [("Assistant A is better. [[A]]", "A"), ("[[B]]", "B"), ("Both equal: [[C]]", "tie"),
             ("[[ B ]]", "B"), ("First [[A]], on reflection [[C]]", "tie"), ("[[B]] no, [[A]]", "A"),
             ("A is better", None), ("[[D]]", None), ("", None), ("[A]", None), ("[[a]]", None)]
    got = lab.map(lab.parse_verdict, [(reply,) for reply, _ in cases])
    for (reply, expected), g in zip(cases, got):
        check(g == expected, f"parse_verdict({reply!r}) is wrong")


@pytest.mark.points(3)
def test_win_rate(lab):
    """win_rate counts a tie as half a win, leaves None out, and raises ValueError for bad or no verdicts."""
    cases = [(["A"], 1.0), (["B"], 0.0), (["tie"], 0.5), (["A", "B", "tie", "tie"], 0.5),
             (["A", "A", "B", "tie"], 0.625), (("A", None, "B", None), 0.5), (["tie", None], 0.5),
             (["A"] * 7 + ["tie"] * 2 + ["B"], 0.8)]
    for verdicts, expected in cases:
        assert_close(lab.win_rate(verdicts), expected, **EXACT, what=f"win_rate({verdicts})")
    assert_close(lab.win_rate(verdicts=["B", "tie", "B"]), 1 / 6, **EXACT, what="win_rate, keyword call")
    for verdicts in ([], [None], [None, None], ["A", "C"], ["a"], ["A", "win"], ["Tie"]):
        with pytest.raises(ValueError):
            lab.win_rate(verdicts)


# ---- the mock servers ----------------------------------------------------------------------------------------

MODEL = "tiny-judge"


def chat_line(content, done=False, **extra):
    line = {"model": MODEL, "created_at": "2026-01-01T00:00:00.000000Z",
            "message": {"role": "assistant", "content": content}, "done": done}
    if done:
        line.update(done_reason="stop", total_duration=123456, load_duration=1000, prompt_eval_count=12,
                    prompt_eval_duration=2000, eval_count=5, eval_duration=3000)
    line.update(extra)
    return line


def generate_line(text, done=False):
    line = {"model": MODEL, "created_at": "2026-01-01T00:00:00.000000Z", "response": text, "done": done}
    if done:
        line.update(done_reason="stop", context=[1, 2, 3], total_duration=123456, eval_count=5)
    return line


def ndjson(lines):
    return b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines)


def stream(lines, *, chunks=None, chunked=True, delay=0.0, then_stall=0.0, end=True):
    """An Ollama reply: the NDJSON bytes of ``lines`` cut into ``chunks`` (byte lengths; default one per line)."""
    data = lines if isinstance(lines, bytes) else ndjson(lines)

    def respond(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/x-ndjson")
        h.send_header("Date", "Thu, 01 Jan 2026 00:00:00 GMT")
        if chunked:
            h.send_header("Transfer-Encoding", "chunked")
        else:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        pieces = [p + b"\n" for p in data.split(b"\n")[:-1]] if chunks is None else []
        start = 0
        for size in chunks or ():
            pieces.append(data[start : start + size])
            start += size
        if chunks is not None and start < len(data):
            pieces.append(data[start:])
        for piece in pieces:
            if chunked:
                h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                h.wfile.write(piece)
            h.wfile.flush()
            if delay:
                time.sleep(delay)
        if then_stall:
            time.sleep(then_stall)
        if chunked and end:
            h.wfile.write(b"0\r\n\r\n")
            h.wfile.flush()
        if not end:
            h.close_connection = True

    return respond


def reply_json(status, body, headers=()):
    def respond(h):
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        for key, value in headers:
            h.send_header(key, value)
        h.end_headers()
        h.wfile.write(data)
        h.wfile.flush()

    return respond


def reply_raw(status, data, content_type="text/plain"):
    def respond(h):
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    return respond


def stall(seconds):
    def respond(h):
        time.sleep(seconds)
        h.close_connection = True

    return respond


def ollama_error(status, message, headers=()):
    return reply_json(status, {"error": message}, headers)


def openai_error(status, message, kind="invalid_request_error", headers=()):
    return reply_json(status, {"error": {"message": message, "type": kind, "param": None, "code": None}}, headers)


def completion(content, **extra):
    choice = {"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
              "logprobs": None, "finish_reason": "stop"}
    choice.update(extra)
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 1767225600, "model": MODEL,
            "choices": [choice], "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}}


@contextlib.contextmanager
def serve(lab, *responses):
    """A mock server answering request i with responses[i] (the last one repeats); ``server.server.seen``
    lists the requests: dicts with path, method, content_type, authorization, body (parsed JSON)."""

    class Mock(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
            seen = self.server.seen
            seen.append({"path": self.path, "method": "POST", "content_type": self.headers.get("Content-Type", ""),
                         "authorization": self.headers.get("Authorization"), "body": body})
            try:
                responses[min(len(seen), len(responses)) - 1](self)
            except OSError:     # the client gave up (a timeout): nothing to do
                self.close_connection = True

        def do_GET(self):
            self.server.seen.append({"path": self.path, "method": "GET", "body": None})
            ollama_error(405, "method not allowed")(self)

        def log_message(self, *args):
            pass

    with lab.http_server(Mock) as server:
        server.server.seen = []
        yield server


def seen(server):
    return server.server.seen


def error_name(exc_info):
    return getattr(exc_info.value, "type_name", type(exc_info.value).__name__)


def check_client_error(exc_info, *texts):
    check(error_name(exc_info) == "JudgeClientError", "a failed call should raise JudgeClientError")
    for text in texts:
        check(text in str(exc_info.value), f"the JudgeClientError's message should contain {text!r}")


MESSAGES = [{"role": "system", "content": "You are a strict judge."}, {"role": "user", "content": "Rate: 2+2=4"}]


# ---- Ollama -------------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_ollama_chat_streams(lab):
    """ollama_chat POSTs /api/chat with stream true and joins every line's content, the done line's included."""
    lines = [chat_line("The "), chat_line("answer "), chat_line(""), chat_line("is right. "),
             chat_line("Rating: [[9]]", done=True)]
    with serve(lab, stream(lines, delay=0.02)) as server:
        reply = lab.ollama_chat(server.url, MODEL, MESSAGES, **FAST)
    check(reply == "The answer is right. Rating: [[9]]",
          "ollama_chat should return the concatenated content of every line, the last (done) one included")
    (request,) = seen(server)
    check(request["method"] == "POST" and request["path"] == "/api/chat", "ollama_chat should POST to /api/chat")
    check(request["content_type"].startswith("application/json"), "the request body should be sent as application/json")
    body = request["body"]
    check(isinstance(body, dict) and body.get("stream") is True, "the request body should hold \"stream\": true")
    check(body.get("model") == MODEL and body.get("messages") == MESSAGES, "the body should hold the model and the messages")
    check("options" not in body, "no \"options\" key when options is None")
    # a done line without content and a chat with one message
    with serve(lab, stream([chat_line("kw", done=True)])) as server:
        check(lab.ollama_chat(base_url=server.url, model=MODEL, messages=MESSAGES, timeout=2.0) == "kw",
              "ollama_chat called with keywords")
    with serve(lab, stream([chat_line("Just "), chat_line("this."), {"model": MODEL, "done": True}])) as server:
        check(lab.ollama_chat(server.url, MODEL, [{"role": "user", "content": "hi"}]) == "Just this.",
              "a done line without a message adds nothing (defaults for timeout, retries and backoff)")


@pytest.mark.points(3)
def test_ollama_chat_byte_chunks(lab):
    """ollama_chat reads lines split across chunks at any byte (inside UTF-8 characters), blank lines, close-delimited bodies."""
    lines = [chat_line("Très "), chat_line("bien — "), chat_line("東京 "), chat_line("👍"), chat_line("!", done=True)]
    data = ndjson(lines)
    data = data.replace(b"\n", b"\n\n", 1)                 # a blank line
    expected = "Très bien — 東京 👍!"
    rng = random.Random(7)
    for chunked in (True, False):
        for sizes in ([1] * 40 + [7] * 40, [rng.randint(1, 30) for _ in range(80)], [len(data)]):
            with serve(lab, stream(data, chunks=sizes, chunked=chunked)) as server:
                got = lab.ollama_chat(server.url + "/", MODEL, MESSAGES, **FAST)
            check(got == expected, f"wrong text from a stream cut into chunks ({'chunked' if chunked else 'close-delimited'})")
            check(seen(server)[0]["path"] == "/api/chat", "a trailing '/' of base_url should be dropped")


@pytest.mark.points(1)
def test_ollama_chat_options(lab):
    """ollama_chat sends options as given."""
    with serve(lab, stream([chat_line("ok", done=True)])) as server:
        lab.ollama_chat(server.url, MODEL, MESSAGES, options={"temperature": 0.0, "num_predict": 64, "seed": 1}, **FAST)
    body = seen(server)[0]["body"]
    check(body.get("options") == {"temperature": 0.0, "num_predict": 64, "seed": 1}, "options should be sent as given")
    check(body.get("stream") is True and body.get("messages") == MESSAGES, "stream and messages with options")


@pytest.mark.points(2)
def test_ollama_stops_at_done(lab):
    """ollama_chat returns at the done line without waiting for the end of the body."""
    lines = [chat_line("quick "), chat_line("reply", done=True)]
    with serve(lab, stream(lines, then_stall=2.0)) as server:
        start = time.monotonic()
        got = lab.ollama_chat(server.url, MODEL, MESSAGES, timeout=5.0, max_retries=0, backoff=0.01)
        elapsed = time.monotonic() - start
    check(got == "quick reply", "wrong text")
    check(elapsed < 1.5, "ollama_chat should stop reading at the done line (the server keeps the body open)")


@pytest.mark.points(3)
def test_ollama_generate(lab):
    """ollama_generate POSTs /api/generate (prompt, system, options, stream true) and joins every response."""
    lines = [generate_line("Once "), generate_line("upon "), generate_line("a time"), generate_line(".", done=True)]
    with serve(lab, stream(lines), stream([generate_line("x"), generate_line("", done=True)])) as server:
        got = lab.ollama_generate(server.url, MODEL, "Tell a story", **FAST)
        check(got == "Once upon a time.", "ollama_generate should join the response of every line, the done one included")
        got = lab.ollama_generate(server.url, MODEL, prompt="Hi", system="Be brief.", options={"temperature": 0}, **FAST)
        check(got == "x", "wrong text from the second call")
    first, second = seen(server)
    check(first["path"] == "/api/generate" and second["path"] == "/api/generate", "ollama_generate should POST to /api/generate")
    check(first["body"] == {"model": MODEL, "prompt": "Tell a story", "stream": True},
          "the body should be exactly model, prompt and stream true when system and options are None")
    check(second["body"] == {"model": MODEL, "prompt": "Hi", "stream": True, "system": "Be brief.",
                             "options": {"temperature": 0}}, "system and options should be sent when given")


@pytest.mark.points(4)
def test_ollama_errors_not_retried(lab):
    """Ollama 4xx errors and a mid-stream error line raise JudgeClientError with the server's message, without retry."""
    for status, message in [(404, f"model '{MODEL}' not found, try pulling it first"), (400, "invalid message format"),
                            (401, "unauthorized")]:
        with serve(lab, ollama_error(status, message), stream([chat_line("never", done=True)])) as server:
            with pytest.raises(RuntimeError) as info:
                lab.ollama_chat(server.url, MODEL, MESSAGES, **FAST)
        check_client_error(info, str(status), message)
        check(len(seen(server)) == 1, f"an HTTP {status} should not be retried")
    lines = [chat_line("partial "), {"error": "an error was encountered while running the model: out of memory"}]
    with serve(lab, stream(lines), stream([chat_line("never", done=True)])) as server:
        with pytest.raises(RuntimeError) as info:
            lab.ollama_chat(server.url, MODEL, MESSAGES, **FAST)
    check_client_error(info, "out of memory")
    check(len(seen(server)) == 1, "an error line inside the stream should not be retried")
    for data in (b"this is not json\n", b'["a", "list"]\n', b'"a string"\n', b'{"response": "x", "done": tr\n'):
        with serve(lab, stream(data)) as server:
            with pytest.raises(RuntimeError) as info:
                lab.ollama_generate(server.url, MODEL, "p", **FAST)
        check_client_error(info)
        check(len(seen(server)) == 1, "a 200 reply whose lines are not JSON objects should not be retried")


@pytest.mark.points(4)
def test_retries_with_backoff(lab):
    """429 and 5xx are retried after backoff * 2**(k-1) seconds, then the reply is returned."""
    with serve(lab, ollama_error(503, "server busy"), ollama_error(500, "internal"), ollama_error(504, "timeout"),
               stream([chat_line("ok", done=True)])) as server:
        start = time.monotonic()
        got = lab.ollama_chat(server.url, MODEL, MESSAGES, timeout=2.0, max_retries=3, backoff=0.15)
        elapsed = time.monotonic() - start
    check(got == "ok", "the reply after three failures")
    check(len(seen(server)) == 4, "503, 500 and 504 should each be retried")
    check(1.0 <= elapsed < 1.7, "the waits before retries should be backoff, 2 * backoff, 4 * backoff")
    with serve(lab, ollama_error(429, "too many requests"), ollama_error(502, "bad gateway"),
               stream([generate_line("fine", done=True)])) as server:
        got = lab.ollama_generate(server.url, MODEL, "p", timeout=2.0, max_retries=3, backoff=0.0)
    check(got == "fine" and len(seen(server)) == 3, "429 and 502 should be retried by ollama_generate")


@pytest.mark.points(3)
def test_retry_after(lab):
    """A Retry-After header (seconds) replaces the backoff wait."""
    with serve(lab, ollama_error(429, "slow down", headers=[("Retry-After", "1")]),
               stream([chat_line("ok", done=True)])) as server:
        start = time.monotonic()
        got = lab.ollama_chat(server.url, MODEL, MESSAGES, timeout=2.0, max_retries=1, backoff=0.0)
        elapsed = time.monotonic() - start
    check(got == "ok" and len(seen(server)) == 2, "a 429 should be retried")
    check(elapsed >= 0.9, "the client should wait the Retry-After seconds (1) before retrying")
    with serve(lab, openai_error(503, "overloaded", "server_error", headers=[("Retry-After", "0.1")]),
               reply_json(200, completion("fine"))) as server:
        start = time.monotonic()
        got = lab.openai_chat(server.url, MODEL, MESSAGES, timeout=2.0, max_retries=1, backoff=3.0)
        elapsed = time.monotonic() - start
    check(got == "fine" and len(seen(server)) == 2, "a 503 should be retried")
    check(0.05 <= elapsed < 1.5, "Retry-After (0.1 s) should replace the backoff (3 s), not add to it")
    with serve(lab, ollama_error(429, "now", headers=[("Retry-After", "0")]), stream([generate_line("ok", done=True)])) as server:
        start = time.monotonic()
        got = lab.ollama_generate(server.url, MODEL, "p", timeout=2.0, max_retries=1, backoff=3.0)
    check(got == "ok" and time.monotonic() - start < 1.5, "Retry-After: 0 means retry at once (not the backoff)")
    for value in ("-1", "nan", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"):
        with serve(lab, ollama_error(503, "busy", headers=[("Retry-After", value)]),
                   stream([chat_line("ok", done=True)])) as server:
            start = time.monotonic()
            got = lab.ollama_chat(server.url, MODEL, MESSAGES, timeout=2.0, max_retries=1, backoff=0.3)
            elapsed = time.monotonic() - start
        check(got == "ok" and 0.25 <= elapsed < 1.5,
              f"Retry-After: {value!r} is not a number of seconds >= 0: the backoff applies")


@pytest.mark.points(3)
def test_retries_exhausted(lab):
    """After 1 + max_retries failed attempts the client raises JudgeClientError (a RuntimeError); a closed port too."""
    for max_retries in (0, 2):
        with serve(lab, ollama_error(503, "server overloaded")) as server:
            with pytest.raises(RuntimeError) as info:
                lab.ollama_chat(server.url, MODEL, MESSAGES, timeout=2.0, max_retries=max_retries, backoff=0.01)
        check_client_error(info, "503", "server overloaded")
        check(len(seen(server)) == 1 + max_retries, f"max_retries={max_retries}: {1 + max_retries} requests in all")
    with serve(lab, ollama_error(500, "down")) as server:
        start = time.monotonic()
        with pytest.raises(RuntimeError):
            lab.ollama_generate(server.url, MODEL, "p", timeout=2.0, max_retries=0, backoff=2.0)
    check(time.monotonic() - start < 1.2, "no wait should follow the last attempt")
    with lab.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(RuntimeError) as info:                # nothing listens there: connection refused
        lab.openai_chat(f"http://127.0.0.1:{port}", MODEL, MESSAGES, timeout=1.0, max_retries=2, backoff=0.1)
    check_client_error(info)
    check(time.monotonic() - start >= 0.25, "a refused connection should be retried after the backoff waits")


# Stalls last 10 s and timeouts are 1 s: a client that honours its timeout finishes in about 2 s, one that
# does not is stopped by the per-call limit. Short timeouts (0.3 s) failed right clients on a loaded grader.
@pytest.mark.points(4)
def test_timeout_on_stall(lab):
    """A server that stalls before replying or mid-stream is given up on after timeout seconds, retried, then JudgeClientError."""
    with serve(lab, stall(10.0)) as server:
        start = time.monotonic()
        with pytest.raises(RuntimeError) as info:
            lab.ollama_chat(server.url, MODEL, MESSAGES, timeout=1.0, max_retries=1, backoff=0.01)
        elapsed = time.monotonic() - start
    check_client_error(info)
    check(elapsed < 6.0, "the client should give up on a stalled server after `timeout` seconds")
    check(len(seen(server)) == 2, "a timeout should be retried")
    with serve(lab, stream([chat_line("slow "), chat_line("start ")], then_stall=10.0),
               stream([chat_line("second "), chat_line("try", done=True)])) as server:
        start = time.monotonic()
        got = lab.ollama_chat(server.url, MODEL, MESSAGES, timeout=1.0, max_retries=1, backoff=0.01)
        elapsed = time.monotonic() - start
    check(got == "second try", "after a stream stalls, the retry's text alone is returned")
    check(elapsed < 6.0 and len(seen(server)) == 2, "a stream that stalls should time out and be retried")
    with serve(lab, stall(10.0), reply_json(200, completion("late but fine"))) as server:
        got = lab.openai_chat(server.url, MODEL, MESSAGES, timeout=1.0, max_retries=1, backoff=0.01)
    check(got == "late but fine", "openai_chat should time out on a stall and retry")


def cut_error(status, stall_s=0.0):
    def respond(h):
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", "200")
        h.end_headers()
        h.wfile.write(b'{"error": "ov')
        h.wfile.flush()
        time.sleep(stall_s)
        h.close_connection = True

    return respond


def cut_reply():
    data = json.dumps(completion("whole")).encode()

    def respond(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data[: len(data) // 2])
        h.close_connection = True

    return respond


def bad_status_line(h):
    h.wfile.write(b"garbage\r\n\r\n")
    h.close_connection = True


@pytest.mark.points(2)
def test_cut_stream_retried(lab):
    """A stream that ends before its done line (clean close or a cut chunked body) is retried, not returned."""
    with serve(lab, cut_error(503), stream([chat_line("fine", done=True)])) as server:
        got = lab.ollama_chat(server.url, MODEL, MESSAGES, **FAST)
    check(got == "fine" and len(seen(server)) == 2, "a 503 whose error body is cut short should still be retried")
    with serve(lab, cut_error(502, stall_s=10.0), stream([chat_line("fine", done=True)])) as server:
        got = lab.ollama_chat(server.url, MODEL, MESSAGES, timeout=1.0, max_retries=1, backoff=0.01)
    check(got == "fine" and len(seen(server)) == 2, "a 502 whose error body stalls should still be retried")
    for broken in (cut_reply(), bad_status_line):
        with serve(lab, broken, reply_json(200, completion("whole"))) as server:
            got = lab.openai_chat(server.url, MODEL, MESSAGES, **FAST)
        check(got == "whole" and len(seen(server)) == 2,
              "openai_chat: a reply cut short or without a valid status line should be retried")
    for chunked in (False, True):
        with serve(lab, stream([chat_line("half "), chat_line("of it")], chunked=chunked, end=False),
                   stream([chat_line("all "), chat_line("of it", done=True)])) as server:
            got = lab.ollama_chat(server.url, MODEL, MESSAGES, **FAST)
        check(got == "all of it", "a stream without its done line should be retried")
        check(len(seen(server)) == 2, "one retry after the cut stream")


# ---- OpenAI-compatible ------------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_openai_chat(lab):
    """openai_chat POSTs /v1/chat/completions (model, messages, optional fields, bearer key) and returns message.content."""
    with serve(lab, reply_json(200, completion("Rating: [[8]]")), reply_json(200, completion("second"))) as server:
        got = lab.openai_chat(server.url, MODEL, MESSAGES, **FAST)
        check(got == "Rating: [[8]]", "openai_chat should return choices[0].message.content")
        got = lab.openai_chat(server.url + "/", MODEL, messages=MESSAGES, api_key="sk-test-123", temperature=0.0,
                              max_tokens=50, **FAST)
        check(got == "second", "wrong content from the second call")
    first, second = seen(server)
    check(first["path"] == "/v1/chat/completions" and second["path"] == "/v1/chat/completions",
          "openai_chat should POST to base_url + '/v1/chat/completions'")
    check(first["content_type"].startswith("application/json"), "the body should be sent as application/json")
    check(first["body"] == {"model": MODEL, "messages": MESSAGES},
          "the body should be exactly model and messages when the optional fields are None")
    check(first["authorization"] is None, "no Authorization header without an api_key")
    check(second["body"] == {"model": MODEL, "messages": MESSAGES, "temperature": 0.0, "max_tokens": 50},
          "temperature and max_tokens should be sent when given (temperature 0.0 included)")
    check(second["authorization"] == "Bearer sk-test-123", "the api_key should go in 'Authorization: Bearer <key>'")
    two = completion("first choice")
    two["choices"].append({"index": 1, "message": {"role": "assistant", "content": "second choice"}, "finish_reason": "stop"})
    with serve(lab, reply_json(200, two)) as server:
        check(lab.openai_chat(server.url, MODEL, MESSAGES, **FAST) == "first choice", "return choices[0], not another choice")
    with serve(lab, reply_json(200, completion("ünïcødé 東京 ✓"))) as server:
        check(lab.openai_chat(server.url, MODEL, MESSAGES) == "ünïcødé 東京 ✓", "non-ASCII content (default knobs)")


@pytest.mark.points(3)
def test_openai_errors(lab):
    """openai_chat: 4xx raise at once with error.message; 5xx/429 are retried; a reply without string content raises."""
    for status, message in [(401, "Incorrect API key provided: sk-***"), (400, "max_tokens is too large"),
                            (404, f"The model `{MODEL}` does not exist"), (499, "client closed request")]:
        with serve(lab, openai_error(status, message), reply_json(200, completion("never"))) as server:
            with pytest.raises(RuntimeError) as info:
                lab.openai_chat(server.url, MODEL, MESSAGES, **FAST)
        check_client_error(info, str(status), message)
        check(len(seen(server)) == 1, f"an HTTP {status} should not be retried")
    with serve(lab, openai_error(500, "The server had an error", "server_error"),
               openai_error(429, "Rate limit reached", "requests"), reply_json(200, completion("ok"))) as server:
        check(lab.openai_chat(server.url, MODEL, MESSAGES, **FAST) == "ok", "500 then 429 then 200: the reply")
    check(len(seen(server)) == 3, "500 and 429 should be retried")
    with serve(lab, openai_error(500, "still broken", "server_error")) as server:
        with pytest.raises(RuntimeError) as info:
            lab.openai_chat(server.url, MODEL, MESSAGES, **FAST)
    check_client_error(info, "500", "still broken")
    for error_reply, text in [(reply_raw(404, b"404 page not found"), "404 page not found"),
                              (reply_json(404, {"detail": "Not Found"}), "Not Found"),
                              (reply_json(500, {"error": {"type": "server_error", "code": "internal"}}), "server_error"),
                              (reply_json(502, ["upstream", "unavailable"]), "upstream"),
                              (reply_raw(503, b"<html><body>Service Unavailable</body></html>", "text/html"),
                               "Service Unavailable")]:
        with serve(lab, error_reply) as server:
            with pytest.raises(RuntimeError) as info:
                lab.openai_chat(server.url, MODEL, MESSAGES, timeout=2.0, max_retries=1, backoff=0.01)
        check_client_error(info, text)
    bad_replies = [reply_json(200, completion(None)), reply_json(200, {"choices": []}), reply_json(200, {"id": "x"}),
                   reply_json(200, {"choices": None}), reply_json(200, {"choices": [{"index": 0, "message": None}]}),
                   reply_json(200, [completion("in a list")]), reply_json(200, completion(["a", "list"])),
                   reply_json(200, {"choices": [{"index": 0, "text": "legacy completion"}]}),
                   reply_raw(200, b"<html>gateway</html>", "text/html")]
    for bad in bad_replies:
        with serve(lab, bad, reply_json(200, completion("never"))) as server:
            with pytest.raises(RuntimeError) as info:
                lab.openai_chat(server.url, MODEL, MESSAGES, **FAST)
        check_client_error(info)
        check(len(seen(server)) == 1, "a malformed 200 reply should raise, not be retried")


@pytest.mark.points(1)
def test_client_arguments(lab):
    """The clients raise ValueError for timeout <= 0, max_retries < 0 or backoff < 0, before any request."""
    with serve(lab, stream([chat_line("ok", done=True)])) as server:
        check(lab.ollama_chat(server.url, MODEL, MESSAGES, timeout=1.0, max_retries=0, backoff=0.0) == "ok",
              "valid knobs (max_retries=0, backoff=0.0)")
        for knobs in [dict(timeout=0.0), dict(timeout=-1.0), dict(max_retries=-1), dict(backoff=-0.5)]:
            with pytest.raises(ValueError):
                lab.ollama_chat(server.url, MODEL, MESSAGES, **{**FAST, **knobs})
            with pytest.raises(ValueError):
                lab.openai_chat(server.url, MODEL, MESSAGES, **{**FAST, **knobs})
        check(len(seen(server)) == 1, "no request should be sent with invalid knobs")


@pytest.mark.points(2)
def test_client_defaults(lab):
    """Without knobs every client makes 3 attempts (max_retries=2) and waits 0.5 s (backoff) before a retry."""
    calls = [("ollama_chat", (MESSAGES,), stream([chat_line("ok", done=True)])),
             ("ollama_generate", ("prompt",), stream([generate_line("ok", done=True)])),
             ("openai_chat", (MESSAGES,), reply_json(200, completion("ok"))),
             ("judge_score", ("q", "a"), stream([chat_line("Rating: [[5]]", done=True)]))]
    for name, args, good in calls:
        function = getattr(lab, name)
        with serve(lab, ollama_error(429, "wait", headers=[("Retry-After", "0")])) as server:
            with pytest.raises(RuntimeError):
                function(server.url, MODEL, *args)
        check(len(seen(server)) == 3, f"{name}: 1 + max_retries = 3 requests by default")
        with serve(lab, ollama_error(503, "busy"), good) as server:
            start = time.monotonic()
            got = function(server.url, MODEL, *args)
            elapsed = time.monotonic() - start
        check(got in ("ok", 5), f"{name}: the reply after a retry, default knobs")
        check(0.45 <= elapsed < 1.2, f"{name}: the default backoff is 0.5 s")


# ---- the judge end to end ---------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_judge_score(lab):
    """judge_score sends judge_prompt as one user message (temperature 0) and parses the reply, for both APIs."""
    q, a, r = "What is the capital of France?", "Paris, of course.", "Paris"
    with serve(lab, stream([chat_line("Correct and concise. "), chat_line("Rating: [[9]]", done=True)])) as server:
        got = lab.judge_score(server.url, MODEL, q, a, r, **FAST)
    check(got == 9, "judge_score should return the parsed score (ollama)")
    body = seen(server)[0]["body"]
    check(seen(server)[0]["path"] == "/api/chat", "api='ollama' (the default) should use /api/chat")
    check(body.get("messages") == [{"role": "user", "content": lab.judge_prompt(q, a, r)}],
          "judge_score should send one user message holding judge_prompt(question, answer, reference)")
    check(body.get("options") == {"temperature": 0} and body.get("stream") is True, "options {'temperature': 0}")
    with serve(lab, reply_json(200, completion("Wrong city. Score: 2/5"))) as server:
        got = lab.judge_score(base_url=server.url, model=MODEL, question=q, answer="Lyon", reference=None,
                              api="openai", low=1, high=5, **FAST)
    check(got == 2, "judge_score should return the parsed score (openai, scale 1-5)")
    body = seen(server)[0]["body"]
    check(body.get("messages") == [{"role": "user", "content": lab.judge_prompt(q, "Lyon", None, low=1, high=5)}],
          "judge_score (openai) should send judge_prompt(question, answer, None, low=1, high=5)")
    check(body.get("temperature") == 0, "temperature 0 for the openai judge")
    with serve(lab, reply_json(200, completion("I cannot rate this."))) as server:
        check(lab.judge_score(server.url, MODEL, q, a, api="openai", **FAST) is None, "no score in the reply: None")
        with pytest.raises(ValueError):
            lab.judge_score(server.url, MODEL, q, a, api="anthropic", **FAST)
    check(len(seen(server)) == 1, "an unknown api should raise before any request")
    with serve(lab, ollama_error(404, "model not found")) as server:
        with pytest.raises(RuntimeError) as info:
            lab.judge_score(server.url, MODEL, q, a, **FAST)
    check_client_error(info, "model not found")
