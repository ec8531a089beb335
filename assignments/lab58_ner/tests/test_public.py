"""Public sanity checks for lab 58 (named entity recognition).

Run with ``autograder test lab58_ner``. Passing these does not mean the
hidden tests pass: they compare your tag readings with seqeval (default and
strict modes) and spaCy on thousands of random, mostly invalid, sequences,
your scores with seqeval for every average and with spaCy's scorer, your
rules with spaCy's EntityRuler on many sentences, Viterbi with a brute force,
and your perceptron's span F1 on held-out sentences whose names the training
file never shows. seqeval and spaCy are installed: compare with them here
(``ner.py`` itself may not import them).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.testing import assert_close, check

DATA = Path(__file__).resolve().parent.parent / "data"


def spans_of(result):
    return [tuple(s) for s in result]


def test_read_conll(lab, tmp_path):
    """read_conll splits sentences at blank lines and skips -DOCSTART-."""
    path = tmp_path / "tiny.conll"
    path.write_text("-DOCSTART- O\n\nAda B-PER\nsmiled O\n\nOslo B-LOC\n", encoding="utf-8")
    sentences, tags = lab.read_conll(lab.put_file(path))
    check([list(s) for s in sentences] == [["Ada", "smiled"], ["Oslo"]], "two sentences expected")
    check([list(t) for t in tags] == [["B-PER", "O"], ["B-LOC"]], "the tags are the last column")


def test_adjacent_entities_stay_apart(lab):
    """B-PER B-PER is two entities, not one."""
    check(spans_of(lab.bio_to_spans(["B-PER", "B-PER", "O"])) == [("PER", 0, 1), ("PER", 1, 2)],
          "two adjacent B- tags start two spans (end is exclusive)")


def test_inside_after_outside(lab):
    """An I- tag after O starts an entity by default and is dropped when strict."""
    tags = ["O", "I-LOC", "I-LOC"]
    check(spans_of(lab.bio_to_spans(tags)) == [("LOC", 1, 3)], "default reading: I- after O starts an entity")
    check(spans_of(lab.bio_to_spans(tags, strict=True)) == [], "strict reading: I- after O is no entity")


def test_bilou(lab):
    """BILOU: U- for one token, B- ... L- for longer entities, and back."""
    tags = lab.spans_to_tags([("ORG", 2, 5), ("PER", 0, 1)], 6, scheme="BILOU")
    check(list(tags) == ["U-PER", "O", "B-ORG", "I-ORG", "L-ORG", "O"], "wrong BILOU tags")
    check(spans_of(lab.bilou_to_spans(tags)) == [("PER", 0, 1), ("ORG", 2, 5)], "bilou_to_spans should undo spans_to_tags")
    check(list(lab.bilou_to_bio(tags)) == ["B-PER", "O", "B-ORG", "I-ORG", "I-ORG", "O"], "wrong BIO tags")


def test_span_prf_small(lab):
    """Micro P/R/F1 over two sentences, one entity right out of two predicted."""
    y_true = [["B-PER", "I-PER", "O"], ["B-LOC"]]
    y_pred = [["B-PER", "O", "O"], ["B-LOC"]]
    assert_close(np.asarray(lab.span_prf(y_true, y_pred), dtype=float), np.array([0.5, 0.5, 0.5]),
                 atol=1e-12, rtol=0, what="(precision, recall, f1)")


def test_rules_longest_match(lab):
    """The longest gazetteer match wins an overlap."""
    got = lab.rule_entities(["the", "New", "York", "Times"],
                            gazetteer={"LOC": ["New York"], "ORG": ["New York Times"]})
    check(spans_of(got) == [("ORG", 1, 4)], "the longer ORG match should win over the LOC inside it")


def test_rules_regex(lab):
    """A token regex must match the whole token."""
    got = lab.rule_entities(["in", "1999", "and", "19999"], patterns=[("DATE", [r"\d{4}"])])
    check(spans_of(got) == [("DATE", 1, 2)], "only the 4-digit token is a DATE")


def test_viterbi_small(lab):
    """Viterbi prefers the sequence with the best total score, not the best tag per position."""
    emissions = np.array([[1.0, 0.0], [0.0, 0.9]])
    transitions = np.array([[0.0, -5.0], [0.0, 0.0]])
    check([int(y) for y in lab.viterbi(emissions, transitions)] == [0, 0], "0 -> 1 costs 5: [0, 0] scores best")


def test_transition_mask(lab):
    """I-PER may follow B-PER but not O."""
    start_ok, trans_ok = (np.asarray(m) for m in lab.bio_transition_mask(["O", "B-PER", "I-PER"]))
    check(list(start_ok) == [True, True, False], "a sentence may not start with I-PER")
    check(bool(trans_ok[1, 2]) and not bool(trans_ok[0, 2]), "I-PER after B-PER yes, after O no")


def test_perceptron_learns(lab):
    """The perceptron trained on most of train.conll tags the rest well."""
    sentences, tags = lab.read_conll(lab.put_file(DATA / "train.conll"))
    model = lab.PerceptronNER(epochs=5, seed=0)
    model.fit(sentences[:350], tags[:350])
    pred = model.predict(sentences[350:])
    _, _, f1 = lab.span_prf([list(t) for t in tags[350:]], [list(p) for p in pred])
    check(f1 >= 0.8, f"span F1 {f1:.3f} on the last 70 training sentences (names seen in training)")
    with pytest.raises(RuntimeError):
        lab.PerceptronNER().predict([["Ada"]])
