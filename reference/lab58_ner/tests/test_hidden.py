"""Hidden tests for lab 58 (named entity recognition).

Oracles:

* BIO readings: seqeval's ``get_entities`` (the default, conlleval mode) and
  ``seqeval.scheme.Entities`` with ``IOB2`` (strict mode); BILOU: ``Entities``
  with ``BILOU`` and spaCy's ``biluo_tags_to_spans``;
* tags from spans: spaCy's ``doc_to_biluo_tags`` (and ``biluo_to_iob``) on a
  ``Doc`` whose ``ents`` are the spans; BIO <-> BILOU: spaCy's
  ``iob_to_biluo`` / ``biluo_to_iob``;
* span P/R/F1: seqeval's ``precision_recall_fscore_support`` (default mode,
  strict IOB2, strict BILOU; every average) and spaCy's ``get_ner_prf``;
* rules: spaCy's EntityRuler on a blank English pipeline (token patterns with
  ORTH / LOWER / TEXT-REGEX), on sentences without same-span label ties
  (spaCy leaves their order to a set); the tie rule by hand;
* Viterbi: brute force over every tag sequence;
* the perceptron: held-out F1 (seqeval) on ``data/heldout.conll``, whose
  names and four templates the training file never shows.
"""

from __future__ import annotations

import itertools
import random
import warnings

import numpy as np
import pytest
import spacy
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.metrics.sequence_labeling import precision_recall_fscore_support as seqeval_default_prfs
from seqeval.metrics.v1 import precision_recall_fscore_support as seqeval_strict_prfs
from seqeval.scheme import BILOU, IOB2, Entities
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, Span
from spacy.training import Example, biluo_tags_to_spans, biluo_to_iob, iob_to_biluo
from spacy.training.iob_utils import doc_to_biluo_tags

from autograder.testing import assert_close, check

warnings.filterwarnings("ignore")

NLP = spacy.blank("en")
BIO_TAGS = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-GPE-X", "I-GPE-X"]
BILOU_TAGS = ["O", "O", "B-PER", "I-PER", "L-PER", "U-PER", "B-LOC", "I-LOC", "L-LOC", "U-LOC"]
EXACT = dict(atol=1e-12, rtol=0.0)


def as_spans(got, what):
    check(isinstance(got, list), f"{what}: should return a list of (label, start, end) tuples")
    out = []
    for s in got:
        check(isinstance(s, (tuple, list)) and len(s) == 3, f"{what}: each span should be (label, start, end)")
        out.append((s[0], int(s[1]), int(s[2])))
    return out


def seqeval_default(tags):
    return [(label, start, end + 1) for label, start, end in get_entities(list(tags))]


def seqeval_strict(tags, scheme):
    return sorted(((e.tag, e.start, e.end) for e in Entities([list(tags)], scheme).entities[0]), key=lambda s: s[1])


def random_tags(rng, vocab, n):
    return [rng.choice(vocab) for _ in range(n)]


def random_spans(rng, length, labels=("PER", "LOC", "ORG-X")):
    """Non-overlapping random spans, adjacent ones of one label included."""
    spans, i = [], 0
    while i < length:
        if rng.random() < 0.45:
            n = rng.randint(1, min(3, length - i))
            spans.append((rng.choice(labels), i, i + n))
            i += n
        else:
            i += 1
    return spans


def doc_with(spans, length):
    doc = Doc(NLP.vocab, words=[f"w{i}" for i in range(length)])
    doc.ents = [Span(doc, s, e, label=lab) for lab, s, e in spans]
    return doc


def read_conll_here(path):
    sents, tags, w, t = [], [], [], []
    for line in list(path.read_text(encoding="utf-8").splitlines()) + [""]:
        cols = line.split()
        if not cols or cols[0] == "-DOCSTART-":
            if w:
                sents.append(w)
                tags.append(t)
            w, t = [], []
        else:
            w.append(cols[0])
            t.append(cols[-1])
    return sents, tags


# ---- read_conll ----------------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_read_conll_formats(lab, tmp_path):
    """read_conll: 2 and 4 columns, -DOCSTART-, repeated and whitespace-only blank lines, no final blank line, UTF-8."""
    text = ("\n\n-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n\n\n"
            "Peter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n   \nZürich NNP B-NP B-LOC\n-DOCSTART- -X- -X- O\n"
            "Ana\tI-PER\nvisits  O\nKraków    B-LOC")
    path = tmp_path / "mixed.conll"
    path.write_text(text, encoding="utf-8")
    got = lab.read_conll(lab.put_file(path))
    check(isinstance(got, (tuple, list)) and len(got) == 2, "read_conll should return (sentences, tags)")
    sents, tags = [list(map(list, part)) for part in got]
    check(sents == [["EU", "rejects", "German"], ["Peter", "Blackburn"], ["Zürich"], ["Ana", "visits", "Kraków"]],
          "read_conll: wrong sentences (blank lines and -DOCSTART- end a sentence; no empty sentence)")
    check(tags == [["B-ORG", "O", "B-MISC"], ["B-PER", "I-PER"], ["B-LOC"], ["I-PER", "O", "B-LOC"]],
          "read_conll: wrong tags (the tag is the LAST column, returned as written)")


@pytest.mark.points(1)
def test_read_conll_course_file_and_errors(lab, lab_data, tmp_path):
    """read_conll reads the course's training file; a line with one column raises ValueError naming its line."""
    sents, tags = lab.read_conll(lab.put_file(lab_data / "train.conll"))
    exp_s, exp_t = read_conll_here(lab_data / "train.conll")
    check(len(sents) == 420 and list(map(list, sents)) == exp_s and list(map(list, tags)) == exp_t,
          "read_conll: the course's train.conll should give its 420 sentences")
    path = tmp_path / "bad.conll"
    path.write_text("A B-PER\n\nok O\nbroken\n", encoding="utf-8")
    with pytest.raises(ValueError, match="4"):
        lab.read_conll(lab.put_file(path))


# ---- BIO / BILOU readings ------------------------------------------------------------------------------------------

NAMED_BIO = {
    "adjacent_same_label": ["B-PER", "B-PER"],
    "adjacent_after_inside": ["B-PER", "I-PER", "B-PER", "I-PER"],
    "single_tokens": ["B-LOC", "O", "B-PER", "O", "B-LOC"],
    "at_both_ends": ["B-PER", "I-PER", "O", "O", "B-LOC", "I-LOC"],
    "inside_after_o": ["O", "I-PER", "I-PER", "O"],
    "inside_at_start": ["I-LOC", "O"],
    "label_change_inside": ["B-PER", "I-LOC", "I-LOC"],
    "inside_after_other_inside": ["B-PER", "I-PER", "I-LOC", "B-LOC"],
    "hyphen_in_label": ["B-GPE-X", "I-GPE-X", "I-GPE-Y"],
    "all_o": ["O", "O", "O"],
    "empty": [],
    "whole_sentence": ["B-ORG", "I-ORG", "I-ORG"],
}


@pytest.mark.points(3)
def test_bio_to_spans_named_cases(lab):
    """bio_to_spans on named cases (B-PER B-PER is two spans, I- after O, ends of the sentence), both readings."""
    names = list(NAMED_BIO)
    default = lab.map(lab.bio_to_spans, [(NAMED_BIO[n],) for n in names])
    for name, got in zip(names, default):
        check(as_spans(got, "bio_to_spans") == seqeval_default(NAMED_BIO[name]),
              f"bio_to_spans (default reading): wrong spans for the case '{name}'")
    for name in names:
        got = lab.bio_to_spans(NAMED_BIO[name], strict=True)
        check(as_spans(got, "bio_to_spans") == seqeval_strict(NAMED_BIO[name], IOB2),
              f"bio_to_spans(strict=True): wrong spans for the case '{name}'")


@pytest.mark.points(3)
def test_bio_to_spans_matches_seqeval_default(lab):
    """bio_to_spans equals seqeval's default reading on 1500 random tag sequences (lists and tuples)."""
    rng = random.Random(1)
    seqs = [random_tags(rng, BIO_TAGS, rng.randint(0, 10)) for _ in range(1500)]
    args = [(tuple(s) if k % 3 == 0 else s,) for k, s in enumerate(seqs)]
    for tags, got in zip(seqs, lab.map(lab.bio_to_spans, args)):
        check(as_spans(got, "bio_to_spans") == seqeval_default(tags),
              "bio_to_spans: a random sequence read differently from seqeval's default mode")


@pytest.mark.points(3)
def test_bio_to_spans_matches_seqeval_strict(lab):
    """bio_to_spans(strict=True) equals seqeval's strict IOB2 reading on 1500 random tag sequences."""
    rng = random.Random(2)
    seqs = [random_tags(rng, BIO_TAGS, rng.randint(0, 10)) for _ in range(1500)]
    for tags in seqs:
        got = lab.bio_to_spans(tags, strict=True)
        check(as_spans(got, "bio_to_spans") == seqeval_strict(tags, IOB2),
              "bio_to_spans(strict=True): a random sequence read differently from seqeval's strict IOB2 mode")


@pytest.mark.points(1)
def test_bio_to_spans_errors(lab):
    """bio_to_spans raises ValueError on malformed tags (E-, U-, B- with no label, no prefix, lower case, not '-')."""
    check(lab.bio_to_spans(["B-PER", "O"]) == [("PER", 0, 1)], "bio_to_spans(['B-PER', 'O']) should be [('PER', 0, 1)]")
    for bad in (["E-PER"], ["O", "U-PER"], ["B-"], ["PER"], ["o"], ["B_PER"], ["L-LOC"], ["B+PER"], ["O", "I,PER"],
                ["B PER"], ["B!PER"]):
        for strict in (False, True):
            with pytest.raises(ValueError):
                lab.bio_to_spans(bad, strict=strict)


@pytest.mark.points(3)
def test_bilou_to_spans_matches_seqeval(lab):
    """bilou_to_spans equals seqeval's strict BILOU reading on 1500 random (mostly broken) sequences."""
    rng = random.Random(3)
    seqs = [random_tags(rng, BILOU_TAGS, rng.randint(0, 10)) for _ in range(1500)]
    for tags, got in zip(seqs, lab.map(lab.bilou_to_spans, [(s,) for s in seqs])):
        check(as_spans(got, "bilou_to_spans") == seqeval_strict(tags, BILOU),
              "bilou_to_spans: a random sequence read differently from seqeval's strict BILOU mode")


@pytest.mark.points(2)
def test_bilou_to_spans_named_cases(lab):
    """bilou_to_spans: valid sequences equal spaCy's biluo_tags_to_spans; broken runs are dropped."""
    valid = [["U-PER", "U-PER"], ["B-LOC", "L-LOC", "U-LOC"], ["B-PER", "I-PER", "I-PER", "L-PER"],
             ["O", "U-ORG", "O", "B-ORG", "L-ORG"], [], ["O"], ["B-GPE-X", "L-GPE-X"]]
    for tags in valid:
        doc = Doc(NLP.vocab, words=[f"w{i}" for i in range(len(tags))])
        expected = [(s.label_, s.start, s.end) for s in biluo_tags_to_spans(doc, tags)]
        check(as_spans(lab.bilou_to_spans(tags), "bilou_to_spans") == expected,
              "bilou_to_spans: a valid BILOU sequence read differently from spaCy's biluo_tags_to_spans")
    broken = {("B-PER", "I-PER", "U-LOC"): [("LOC", 2, 3)], ("B-PER", "O", "L-PER"): [],
              ("B-PER", "I-LOC", "L-LOC"): [], ("I-PER", "L-PER", "U-PER"): [("PER", 2, 3)],
              ("B-PER", "B-PER", "L-PER"): [("PER", 1, 3)], ("B-PER", "L-PER", "L-PER"): [("PER", 0, 2)],
              ("B-PER",): [], ("L-PER", "B-LOC", "I-LOC", "L-LOC", "I-LOC"): [("LOC", 1, 4)]}
    for tags, expected in broken.items():
        check(as_spans(lab.bilou_to_spans(list(tags)), "bilou_to_spans") == expected,
              "bilou_to_spans: a broken BILOU run should be dropped and reading resume at the tag that broke it")


@pytest.mark.points(1)
def test_bilou_to_spans_errors(lab):
    """bilou_to_spans raises ValueError on malformed tags (E-, S-, U- with no label, no prefix)."""
    check(lab.bilou_to_spans(["U-PER"]) == [("PER", 0, 1)], "bilou_to_spans(['U-PER']) should be [('PER', 0, 1)]")
    for bad in (["E-PER"], ["O", "S-PER"], ["U-"], ["PER"], ["u-PER"], ["U+PER"], ["B#PER", "L-PER"]):
        with pytest.raises(ValueError):
            lab.bilou_to_spans(bad)


# ---- tags from spans and conversions -------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_spans_to_tags_matches_spacy(lab):
    """spans_to_tags equals spaCy's doc_to_biluo_tags (BILOU) and biluo_to_iob of it (BIO), spans in any order."""
    rng = random.Random(4)
    cases = []
    for _ in range(200):
        length = rng.randint(0, 9)
        spans = random_spans(rng, length)
        cases.append((length, spans))
    for k, (length, spans) in enumerate(cases):
        expected_bilou = doc_to_biluo_tags(doc_with(spans, length))
        shuffled = [list(s) if k % 2 else s for s in rng.sample(spans, len(spans))]
        got_bilou = lab.spans_to_tags(shuffled, length, scheme="BILOU")
        check(list(got_bilou) == expected_bilou, "spans_to_tags(scheme='BILOU'): tags differ from spaCy's")
        got_bio = lab.spans_to_tags(shuffled, length) if k % 3 else lab.spans_to_tags(spans, length, scheme="BIO")
        check(list(got_bio) == biluo_to_iob(expected_bilou), "spans_to_tags (BIO): tags differ from spaCy's")


@pytest.mark.points(3)
def test_round_trips(lab):
    """spans -> tags -> spans gives the spans back in both schemes (adjacent same-label spans, single tokens, ends)."""
    rng = random.Random(5)
    cases = [(2, [("PER", 0, 1), ("PER", 1, 2)]), (3, [("LOC", 0, 3)]), (4, [("PER", 0, 2), ("PER", 2, 4)]),
             (5, [("A", 0, 1), ("A", 1, 2), ("A", 2, 3), ("B", 4, 5)]), (0, [])]
    cases += [(n, random_spans(rng, n)) for n in [rng.randint(1, 12) for _ in range(60)]]
    for length, spans in cases:
        bio = lab.spans_to_tags(spans, length, scheme="BIO")
        bilou = lab.spans_to_tags(spans, length, scheme="BILOU")
        check(as_spans(lab.bio_to_spans(bio), "bio_to_spans") == spans, "BIO round trip: spans -> tags -> spans changed the spans")
        check(as_spans(lab.bio_to_spans(bio, strict=True), "bio_to_spans") == spans,
              "BIO round trip (strict reading) changed the spans")
        check(as_spans(lab.bilou_to_spans(bilou), "bilou_to_spans") == spans,
              "BILOU round trip: spans -> tags -> spans changed the spans")
        check(list(lab.bio_to_bilou(bio)) == list(bilou) and list(lab.bilou_to_bio(bilou)) == list(bio),
              "bio_to_bilou / bilou_to_bio should map the tags of the same spans onto each other")


@pytest.mark.points(2)
def test_spans_to_tags_errors(lab):
    """spans_to_tags raises ValueError on overlaps, spans out of range or empty, bad labels, schemes, lengths."""
    check(list(lab.spans_to_tags([("X", 0, 1)], 1, scheme="BILOU")) == ["U-X"], "one-token span in BILOU is U-X")
    check(list(lab.spans_to_tags([], 0)) == [], "no spans and length 0 give []")
    bad = [([("A", 0, 2), ("B", 1, 3)], 3, "BIO"), ([("A", 0, 2), ("A", 0, 2)], 3, "BILOU"), ([("A", 2, 2)], 3, "BIO"),
           ([("A", 2, 1)], 3, "BIO"), ([("A", -1, 1)], 3, "BIO"), ([("A", 2, 4)], 3, "BILOU"), ([("", 0, 1)], 3, "BIO"),
           ([(None, 0, 1)], 3, "BIO"), ([("A", 0, 1)], 3, "IOB1"), ([("A", 0, 1)], 3, "bio"), ([], -1, "BIO"),
           ([("A", 0, 1), ("B", 2, 3), ("C", 0, 3)], 3, "BILOU")]
    for spans, length, scheme in bad:
        with pytest.raises(ValueError):
            lab.spans_to_tags(spans, length, scheme=scheme)


@pytest.mark.points(3)
def test_bio_to_bilou_matches_spacy(lab):
    """bio_to_bilou equals spaCy's iob_to_biluo on named and random sequences, I- after O included."""
    rng = random.Random(6)
    seqs = list(NAMED_BIO.values()) + [random_tags(rng, BIO_TAGS, rng.randint(0, 10)) for _ in range(500)]
    for tags, got in zip(seqs, lab.map(lab.bio_to_bilou, [(s,) for s in seqs])):
        check(list(got) == iob_to_biluo(list(tags)), "bio_to_bilou: tags differ from spaCy's iob_to_biluo")


@pytest.mark.points(2)
def test_bilou_to_bio(lab):
    """bilou_to_bio equals spaCy's biluo_to_iob on valid BILOU; tags of a broken run become O."""
    rng = random.Random(7)
    for _ in range(100):
        length = rng.randint(0, 10)
        bilou = doc_to_biluo_tags(doc_with(random_spans(rng, length), length))
        check(list(lab.bilou_to_bio(bilou)) == biluo_to_iob(bilou), "bilou_to_bio: tags differ from spaCy's biluo_to_iob")
    check(list(lab.bilou_to_bio(["B-PER", "I-PER", "U-LOC", "L-PER"])) == ["O", "O", "B-LOC", "O"],
          "bilou_to_bio: the tags of a broken BILOU run should become O")


@pytest.mark.points(1)
def test_conversion_errors(lab):
    """bio_to_bilou and bilou_to_bio raise ValueError on tags of the other (or no) scheme."""
    check(list(lab.bio_to_bilou(["B-X"])) == ["U-X"], "bio_to_bilou(['B-X']) should be ['U-X']")
    for bad in (["U-X"], ["L-X"], ["E-X"], ["X"]):
        with pytest.raises(ValueError):
            lab.bio_to_bilou(bad)
    for bad in (["E-X"], ["S-X"], ["X"], ["B-"]):
        with pytest.raises(ValueError):
            lab.bilou_to_bio(bad)


# ---- span P/R/F1 ---------------------------------------------------------------------------------------------------


def seqeval_prf(y_true, y_pred, mode, average):
    y_true, y_pred = [list(s) for s in y_true], [list(s) for s in y_pred]
    if mode == "default":
        p, r, f, _ = seqeval_default_prfs(y_true, y_pred, average=average, zero_division=0)
    else:
        scheme = IOB2 if mode == "strict" else BILOU
        p, r, f, _ = seqeval_strict_prfs(y_true, y_pred, average=average, zero_division=0, scheme=scheme)
    if average is None:
        read = {"default": seqeval_default, "strict": lambda t: seqeval_strict(t, IOB2),
                "bilou": lambda t: seqeval_strict(t, BILOU)}[mode]
        labels = sorted({s[0] for seq in list(y_true) + list(y_pred) for s in read(seq)})
        return {label: (p[i], r[i], f[i]) for i, label in enumerate(labels)}
    if np.isnan(p):      # no entity anywhere: seqeval's macro mean of nothing; the docstring says 0
        return 0.0, 0.0, 0.0
    return p, r, f


def call_prf(lab, y_true, y_pred, mode, average):
    kwargs = {"average": average}
    if mode == "strict":
        kwargs["strict"] = True
    if mode == "bilou":
        kwargs["scheme"] = "BILOU"
        kwargs["strict"] = len(y_true) % 2 == 0       # ignored for BILOU
    return lab.span_prf(y_true, y_pred, **kwargs)


def check_prf(got, expected, what):
    if isinstance(expected, dict):
        check(isinstance(got, dict), f"{what}: average=None should return a dict {{label: (p, r, f)}}")
        check(sorted(got) == sorted(expected), f"{what}: wrong set of labels in the per-label dict")
        for label in expected:
            assert_close(np.asarray(got[label], dtype=float), np.asarray(expected[label], dtype=float), **EXACT,
                         what=f"{what}: (p, r, f) of a label")
        return
    check(isinstance(got, (tuple, list)) and len(got) == 3, f"{what}: should return (precision, recall, f1)")
    assert_close(np.asarray(got, dtype=float), np.asarray(expected, dtype=float), **EXACT, what=f"{what}: (p, r, f)")


@pytest.mark.parametrize("mode", ["default", "strict", "bilou"])
@pytest.mark.points(3)
def test_span_prf_matches_seqeval(lab, mode):
    """span_prf equals seqeval (default mode, strict IOB2, strict BILOU) for every average on random corpora."""
    rng = random.Random({"default": 8, "strict": 9, "bilou": 10}[mode])
    vocab = BILOU_TAGS if mode == "bilou" else BIO_TAGS
    for trial in range(60):
        y_true = [random_tags(rng, vocab, rng.randint(0, 8)) for _ in range(rng.randint(1, 5))]
        y_pred = [random_tags(rng, vocab, len(s)) if rng.random() < 0.7 else list(s) for s in y_true]
        if trial % 5 == 0:
            y_true, y_pred = tuple(map(tuple, y_true)), tuple(map(tuple, y_pred))
        for average in ("micro", "macro", "weighted", None):
            check_prf(call_prf(lab, y_true, y_pred, mode, average), seqeval_prf(y_true, y_pred, mode, average),
                      f"span_prf ({mode} reading, average={average})")


@pytest.mark.points(3)
def test_span_prf_adjacent_and_boundaries(lab):
    """span_prf: B-PER B-PER is not B-PER I-PER; the same span in another sentence is another entity."""
    y_true = [["B-PER", "B-PER", "O"], ["O", "B-LOC", "I-LOC"]]
    y_pred = [["B-PER", "I-PER", "O"], ["O", "B-LOC", "I-LOC"]]
    check_prf(lab.span_prf(y_true, y_pred), (0.5, 1 / 3, 0.4), "span_prf with adjacent entities")
    check_prf(lab.span_prf(y_true, y_pred, average=None), {"LOC": (1.0, 1.0, 1.0), "PER": (0.0, 0.0, 0.0)},
              "span_prf(average=None) with adjacent entities")
    check_prf(lab.span_prf([["B-X"], ["O"]], [["O"], ["B-X"]]), (0.0, 0.0, 0.0), "span_prf: same span, other sentence")
    y_true = [["O", "B-PER", "I-PER"], ["B-LOC", "I-LOC"]]
    y_pred = [["O", "I-PER", "I-PER"], ["I-LOC", "I-LOC"]]
    check_prf(lab.span_prf(y_true, y_pred), (1.0, 1.0, 1.0), "span_prf: I- after O starts an entity (default)")
    check_prf(lab.span_prf(y_true, y_pred, strict=True), (0.0, 0.0, 0.0), "span_prf(strict=True): I- after O is no entity")


@pytest.mark.points(2)
def test_span_prf_no_entities(lab):
    """span_prf: zero denominators give 0; no entity at all gives (0, 0, 0) for every average and {} per label."""
    for average in ("micro", "macro", "weighted"):
        check_prf(lab.span_prf([["O", "O"], []], [["O", "O"], []], average=average), (0.0, 0.0, 0.0),
                  f"span_prf(average={average!r}) with no entity at all")
        check_prf(lab.span_prf([["O", "B-X"]], [["O", "O"]], average=average), (0.0, 0.0, 0.0),
                  f"span_prf(average={average!r}) with nothing predicted")
    check(lab.span_prf([["O"]], [["O"]], average=None) == {}, "span_prf(average=None) with no entity should be {}")
    check_prf(lab.span_prf([["O", "B-X"]], [["B-Y", "B-X"]], average="weighted"), (1.0, 1.0, 1.0),
              "span_prf(average='weighted'): a label only predicted has weight 0")
    check_prf(lab.span_prf([["O", "B-X"]], [["B-Y", "B-X"]], average="macro"), (0.5, 0.5, 0.5),
              "span_prf(average='macro'): a label only predicted counts in the mean")


@pytest.mark.points(2)
def test_span_prf_matches_spacy_scorer(lab):
    """span_prf micro scores equal spaCy's get_ner_prf on valid BIO and BILOU corpora."""
    rng = random.Random(11)
    examples, bio_t, bio_p, bilou_t, bilou_p = [], [], [], [], []
    for _ in range(40):
        length = rng.randint(1, 10)
        gold, guess = random_spans(rng, length), random_spans(rng, length)
        if rng.random() < 0.3:
            guess = list(gold)
        examples.append(Example(doc_with(guess, length), doc_with(gold, length)))
        bio_t.append(biluo_to_iob(doc_to_biluo_tags(doc_with(gold, length))))
        bio_p.append(biluo_to_iob(doc_to_biluo_tags(doc_with(guess, length))))
        bilou_t.append(doc_to_biluo_tags(doc_with(gold, length)))
        bilou_p.append(doc_to_biluo_tags(doc_with(guess, length)))
    scores = get_ner_prf(examples)
    expected = (scores["ents_p"], scores["ents_r"], scores["ents_f"])
    check_prf(lab.span_prf(bio_t, bio_p), expected, "span_prf against spaCy's scorer (BIO)")
    check_prf(lab.span_prf(bilou_t, bilou_p, scheme="BILOU"), expected, "span_prf against spaCy's scorer (BILOU)")
    per_type = lab.span_prf(bilou_t, bilou_p, scheme="BILOU", average=None)
    check_prf(per_type, {k: (v["p"], v["r"], v["f"]) for k, v in scores["ents_per_type"].items()},
              "span_prf(average=None) against spaCy's ents_per_type")


@pytest.mark.points(2)
def test_span_prf_errors(lab):
    """span_prf raises ValueError on no sentences, mismatched sentences or lengths, bad scheme, average or tag."""
    check_prf(lab.span_prf([["B-X"]], [["B-X"]]), (1.0, 1.0, 1.0), "span_prf on one correct entity")
    bad = [([], [], {}), ([["O"]], [], {}), ([["O"]], [["O"], ["O"]], {}), ([["O", "O"]], [["O"]], {}),
           ([["O"], ["O"]], [["O"], ["O", "O"]], {}), ([["O"]], [["O"]], {"scheme": "IOB1"}),
           ([["O"]], [["O"]], {"average": "samples"}), ([["O"]], [["O"]], {"average": "binary"}),
           ([["U-X"]], [["O"]], {}), ([["O"]], [["E-X"]], {"scheme": "BILOU"}), ([["B-X"]], [["O"]], {"scheme": "bilou"})]
    for y_true, y_pred, kwargs in bad:
        with pytest.raises(ValueError):
            lab.span_prf(y_true, y_pred, **kwargs)


# ---- rule-based NER ------------------------------------------------------------------------------------------------

GAZETTEER = {
    "LOC": ["New York", "New York City", "York", "Zürich", "Lake Geneva", "Geneva"],
    "ORG": ["Bank of York", "New York Times", "Times", "UN"],
    "PER": ["Ada Lovelace", "Ada", "Grace Hopper"],
}
PATTERNS = [("DATE", [r"\d{4}"]), ("MONEY", [r"\$", r"\d+(\.\d+)?"]), ("PER", [r"Mr|Ms", r"[A-Z][a-z]+"]),
            ("PCT", [r"\d+(\.\d+)?", "%|percent"])]
WORDS = ["New", "new", "NEW", "York", "york", "City", "Times", "Bank", "of", "Zürich", "ZÜRICH", "Lake", "Geneva", "UN",
         "un", "Ada", "ada", "Lovelace", "Grace", "Hopper", "Mr", "Ms", "Smith", "smith", "$", "12", "3.5", "1999",
         "2024", "%", "percent", "the", "in"]


def entity_ruler(gazetteer, patterns, lowercase):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER" if lowercase else None})
    rules = []
    for label, phrases in (gazetteer or {}).items():
        for phrase in phrases:
            key = "LOWER" if lowercase else "ORTH"
            rules.append({"label": label, "pattern": [{key: w.lower() if lowercase else w} for w in phrase.split()]})
    for label, regexes in patterns or []:
        rules.append({"label": label, "pattern": [{"TEXT": {"REGEX": f"^(?:{rx})$"}} for rx in regexes]})
    ruler.add_patterns(rules)
    return lambda tokens: [(e.label_, e.start, e.end) for e in nlp(Doc(nlp.vocab, words=list(tokens))).ents]


def ruler_sentences(seed, n=300):
    rng = random.Random(seed)
    sentences = [["Ada", "Lovelace", "visited", "New", "York", "City", "in", "1843"],
                 ["the", "Bank", "of", "York", "and", "the", "New", "York", "Times"],
                 ["Mr", "Smith", "paid", "$", "12", "to", "Ms", "Hopper"], ["york", "YORK", "York"], []]
    return sentences + [[rng.choice(WORDS) for _ in range(rng.randint(1, 12))] for _ in range(n)]


@pytest.mark.parametrize("lowercase", [False, True], ids=["cased", "lowercase"])
@pytest.mark.points(3)
def test_rule_gazetteer_matches_entity_ruler(lab, lowercase):
    """rule_entities with a gazetteer equals spaCy's EntityRuler (longest first, then leftmost), cased and LOWER."""
    oracle = entity_ruler(GAZETTEER, None, lowercase)
    sentences = ruler_sentences(12 + lowercase)
    for tokens in sentences:
        got = lab.rule_entities(tokens, gazetteer=GAZETTEER, lowercase=lowercase)
        check(as_spans(got, "rule_entities") == oracle(tokens),
              f"rule_entities(lowercase={lowercase}): spans differ from spaCy's EntityRuler")


@pytest.mark.points(3)
def test_rule_patterns_match_entity_ruler(lab):
    """rule_entities with token regexes (whole-token matches, several tokens) equals spaCy's EntityRuler."""
    oracle = entity_ruler(None, PATTERNS, False)
    for tokens in ruler_sentences(14, 200) + [["1999x", "x1999", "19999", "$12", "$", "12.", "Mr", "smith", "12", "%"]]:
        got = lab.rule_entities(tokens, patterns=PATTERNS)
        check(as_spans(got, "rule_entities") == oracle(tokens),
              "rule_entities(patterns=...): spans differ from spaCy's EntityRuler with TEXT REGEX patterns")


@pytest.mark.parametrize("lowercase", [False, True], ids=["cased", "lowercase"])
@pytest.mark.points(3)
def test_rule_combined_matches_entity_ruler(lab, lowercase):
    """rule_entities with a gazetteer and regexes together: matches of both compete (EntityRuler)."""
    gazetteer = dict(GAZETTEER, MONEY=["$ 12 million"], DATE=["1999 to 2024"])
    patterns = PATTERNS[:3]
    oracle = entity_ruler(gazetteer, patterns, lowercase)
    extra = [["$", "12", "million"], ["from", "1999", "to", "2024"], ["Mr", "Grace", "Hopper"], ["Ms", "Ada", "Lovelace"]]
    for tokens in ruler_sentences(15 + lowercase, 200) + extra:
        got = lab.rule_entities(tuple(tokens), gazetteer=gazetteer, patterns=patterns, lowercase=lowercase)
        check(as_spans(got, "rule_entities") == oracle(tokens),
              f"rule_entities(gazetteer + patterns, lowercase={lowercase}): spans differ from spaCy's EntityRuler")


@pytest.mark.points(2)
def test_rule_overlap_rule_by_hand(lab):
    """rule_entities overlap rule: longest wins, then leftmost, then the label that sorts first; nested matches lose."""
    tokens = ["a", "b", "c", "d", "e"]
    cases = [
        ({"X": ["a b"], "Y": ["b c d"]}, None, [("Y", 1, 4)]),
        ({"X": ["a b"], "Y": ["b c"]}, None, [("X", 0, 2)]),
        ({"X": ["b c"], "Y": ["c d"], "Z": ["d e"]}, None, [("X", 1, 3), ("Z", 3, 5)]),
        ({"ZED": ["b c"], "ALPHA": ["b c"]}, None, [("ALPHA", 1, 3)]),
        ({"B": ["c"]}, [("A", ["c"])], [("A", 2, 3)]),
        ({"A": ["c"]}, [("B", [r"\w"])], [("B", 0, 1), ("B", 1, 2), ("A", 2, 3), ("B", 3, 4), ("B", 4, 5)]),
        ({"X": ["a b c d e"], "Y": ["a", "e", "c"]}, None, [("X", 0, 5)]),
        ({"X": ["c"]}, [("Y", ["b", "c", "d"])], [("Y", 1, 4)]),
    ]
    for gazetteer, patterns, expected in cases:
        got = lab.rule_entities(tokens, gazetteer=gazetteer, patterns=patterns)
        check(as_spans(got, "rule_entities") == expected,
              "rule_entities: wrong overlap resolution (longest, then leftmost, then the label that sorts first)")
    got = lab.rule_entities(["A", "b", "a", "B", "a"], gazetteer={"X": ["a"]}, lowercase=True)
    check(as_spans(got, "rule_entities") == [("X", 0, 1), ("X", 2, 3), ("X", 4, 5)],
          "rule_entities: every occurrence of a phrase is a match")
    got = lab.rule_entities(["A", "b", "a", "B", "a"], gazetteer={"X": ["a"]}, patterns=[("Y", ["[ab]"])], lowercase=True)
    check(as_spans(got, "rule_entities") == [("X", 0, 1), ("Y", 1, 2), ("X", 2, 3), ("X", 4, 5)],
          "rule_entities: lowercase applies to the gazetteer, not to the regexes")


@pytest.mark.points(2)
def test_rule_inputs(lab):
    """rule_entities: no rules or no tokens give []; phrases split on any whitespace; phrases may be a tuple or set."""
    check(lab.rule_entities(["New", "York"]) == [], "rule_entities with no rules should give []")
    check(lab.rule_entities([], gazetteer=GAZETTEER, patterns=PATTERNS) == [], "rule_entities of no tokens should give []")
    got = lab.rule_entities(["in", "New", "York", "today"], gazetteer={"LOC": ("  New\tYork ",)})
    check(as_spans(got, "rule_entities") == [("LOC", 1, 3)], "a phrase is split on whitespace (str.split())")
    check(lab.rule_entities(["in", "NEW", "york"], gazetteer={"LOC": ["new york"]}) == [],
          "rule_entities: lowercase defaults to False (cased comparison)")
    got = lab.rule_entities(["in", "NEW", "york"], gazetteer={"LOC": ["new york"]}, lowercase=True)
    check(as_spans(got, "rule_entities") == [("LOC", 1, 3)], "rule_entities(lowercase=True) compares lower-cased tokens")
    got = lab.rule_entities(["İstanbul", "ISTANBUL"], gazetteer={"LOC": {"istanbul", "İSTANBUL"}}, lowercase=True)
    check(as_spans(got, "rule_entities") == entity_ruler({"LOC": ["istanbul", "İSTANBUL"]}, None, True)(["İstanbul", "ISTANBUL"]),
          "lowercase compares str.lower() of both sides (as spaCy's LOWER)")


@pytest.mark.points(2)
def test_rule_errors(lab):
    """rule_entities raises ValueError on an empty label, an empty phrase, or a pattern without regexes."""
    check(lab.rule_entities(["x"], gazetteer={"A": ["x"]}) == [("A", 0, 1)], "rule_entities(['x'], {'A': ['x']})")
    for kwargs in ({"gazetteer": {"": ["x"]}}, {"gazetteer": {"A": ["x", "   "]}}, {"gazetteer": {"A": [""]}},
                   {"patterns": [("A", [])]}, {"patterns": [("", ["x"])]}, {"patterns": [("A", ["x"]), ("B", ())]}):
        with pytest.raises(ValueError):
            lab.rule_entities(["x", "y"], **kwargs)


# ---- Viterbi and the transition mask ------------------------------------------------------------------------------


def path_score(path, emissions, transitions, start):
    return start[path[0]] + sum(emissions[i, y] for i, y in enumerate(path)) + \
        sum(transitions[a, b] for a, b in zip(path, path[1:]))


def brute_best(emissions, transitions, start):
    n, k = emissions.shape
    return max(path_score(p, emissions, transitions, start) for p in itertools.product(range(k), repeat=n))


def check_viterbi(got, emissions, transitions, start, what):
    n, k = emissions.shape
    check(isinstance(got, list) and len(got) == n, f"{what}: viterbi should return a list of n ints")
    check(all(0 <= int(y) < k for y in got), f"{what}: tags must be in range(K)")
    best = brute_best(emissions, transitions, start)
    score = path_score([int(y) for y in got], emissions, transitions, start)
    check(abs(score - best) <= 1e-9 * max(1.0, abs(best)), f"{what}: the returned path does not have the best score")


@pytest.mark.points(3)
def test_viterbi_brute_force(lab):
    """viterbi returns a highest-scoring path (brute force over every sequence), with and without start scores."""
    rng = np.random.default_rng(12)
    for trial in range(40):
        n, k = int(rng.integers(1, 6)), int(rng.integers(1, 5))
        e, t, s = rng.normal(size=(n, k)), rng.normal(size=(k, k)) * 2, rng.normal(size=k) * 2
        if trial % 2:
            check_viterbi(lab.viterbi(e, t), e, t, np.zeros(k), "viterbi without start")
        else:
            check_viterbi(lab.viterbi(e, t, s), e, t, s, "viterbi with start scores")


@pytest.mark.points(2)
def test_viterbi_forbidden_and_large(lab):
    """viterbi with -inf (forbidden) transitions and starts, scores of magnitude 1e4, float32 and nested lists."""
    rng = np.random.default_rng(13)
    for trial in range(30):
        n, k = int(rng.integers(1, 6)), 4
        e = rng.normal(size=(n, k)) * 1e4
        t = np.where(rng.random((k, k)) < 0.4, -np.inf, rng.normal(size=(k, k)) * 1e4)
        np.fill_diagonal(t, 0.0)
        s = np.where(rng.random(k) < 0.5, -np.inf, rng.normal(size=k))
        s[int(rng.integers(k))] = 0.0
        args = (e.astype(np.float32), t.astype(np.float32), s.astype(np.float32)) if trial % 3 == 0 else \
            ((e.tolist(), t.tolist(), s.tolist()) if trial % 3 == 1 else (e, t, s))
        e64, t64, s64 = (np.asarray(a, dtype=np.float64) for a in args)
        check_viterbi(lab.viterbi(*args), e64, t64, s64, "viterbi with forbidden moves and large scores")
    e = np.array([[5.0, 0.0], [5.0, 0.0], [0.0, 0.0]])
    t = np.array([[0.0, -np.inf], [0.0, 0.0]])
    check([int(y) for y in lab.viterbi(e, t, np.array([-np.inf, 0.0]))] == [1, 0, 0],
          "viterbi: a forbidden start must never be used")


@pytest.mark.points(2)
def test_viterbi_edge_and_errors(lab):
    """viterbi: n == 0 gives [], K == 1, n == 1; ValueError on bad shapes and when every path is -inf."""
    check(lab.viterbi(np.zeros((0, 3)), np.zeros((3, 3))) == [], "viterbi with no tokens should return []")
    check([int(y) for y in lab.viterbi(np.ones((4, 1)), np.zeros((1, 1)))] == [0, 0, 0, 0], "viterbi with K == 1")
    check([int(y) for y in lab.viterbi(np.array([[0.0, 1.0, 0.5]]), np.zeros((3, 3)), np.array([2.0, 0.0, 0.0]))] == [0],
          "viterbi with one token: start + emission")
    bad = [(np.zeros(3), np.zeros((3, 3)), None), (np.zeros((2, 0)), np.zeros((0, 0)), None),
           (np.zeros((2, 3)), np.zeros((3, 2)), None), (np.zeros((2, 3)), np.zeros((2, 2)), None),
           (np.zeros((2, 3)), np.zeros((3, 3)), np.zeros(2)), (np.zeros((2, 2)), np.full((2, 2), -np.inf), None),
           (np.zeros((1, 2)), np.zeros((2, 2)), np.full(2, -np.inf)), (np.zeros((0, 0)), np.zeros((0, 0)), None)]
    for n in (0, 1):     # shapes checked even when no transition or start would be read or broadcasting would hide them
        bad += [(np.zeros((n, 3)), np.zeros(shape), None) for shape in ((3, 4), (3, 2), (4, 3), (2, 3), (1, 1), (3,))]
        bad += [(np.zeros((n, 3)), np.zeros((3, 3)), np.zeros(shape)) for shape in ((4,), (2,), (1,), (3, 1), (1, 3))]
    for e, t, s in bad:
        with pytest.raises(ValueError):
            lab.viterbi(e, t, s)


@pytest.mark.points(2)
def test_bio_transition_mask(lab):
    """bio_transition_mask allows exactly the starts and pairs that keep the strict and default readings equal."""
    for labels in (["O", "B-PER", "I-PER"], ["I-LOC", "B-PER", "O", "I-PER", "B-LOC", "B-GPE-X", "I-GPE-X"], ["O"]):
        got = lab.bio_transition_mask(labels)
        check(isinstance(got, tuple) and len(got) == 2, "bio_transition_mask should return (start_ok, trans_ok)")
        start_ok, trans_ok = (np.asarray(g) for g in got)
        k = len(labels)
        check(start_ok.shape == (k,) and trans_ok.shape == (k, k), "bio_transition_mask: wrong shapes")
        check(start_ok.dtype == bool and trans_ok.dtype == bool, "bio_transition_mask: masks should be bool arrays")
        for b in range(k):
            ok = seqeval_default([labels[b]]) == seqeval_strict([labels[b]], IOB2)
            check(bool(start_ok[b]) == ok, "bio_transition_mask: wrong start_ok")
            for a in range(k):
                lead = ["B-" + labels[a][2:]] if labels[a].startswith("I-") else []
                seq = lead + [labels[a], labels[b]]
                ok = seqeval_default(seq) == seqeval_strict(seq, IOB2)
                check(bool(trans_ok[a, b]) == ok, "bio_transition_mask: wrong trans_ok")
    with pytest.raises(ValueError):
        lab.bio_transition_mask(["O", "L-PER"])


# ---- the trained tagger --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(lab_data):
    return read_conll_here(lab_data / "train.conll"), read_conll_here(lab_data / "heldout.conll")


@pytest.fixture(scope="module")
def trained(lab, corpus):
    (x, y), (xh, _) = corpus
    model = lab.PerceptronNER()
    model.fit(x, y)
    return model.predict(xh)


@pytest.mark.parametrize("floor", [0.65, 0.75])
@pytest.mark.points(3)
def test_perceptron_heldout_f1(trained, corpus, floor):
    """PerceptronNER (defaults) trained on train.conll reaches a span F1 >= floor on held-out sentences (unseen names)."""
    (_, _), (xh, yh) = corpus
    pred = [list(p) for p in trained]
    check(len(pred) == len(yh) and all(len(p) == len(t) for p, t in zip(pred, yh)),
          "predict should return one tag list per sentence, as long as the sentence")
    p, r, f, _ = seqeval_default_prfs(yh, pred, average="micro", zero_division=0)
    check(f >= floor, f"held-out span F1 {f:.3f} < {floor} (precision {p:.3f}, recall {r:.3f})")


@pytest.mark.points(2)
def test_perceptron_valid_bio(lab, corpus, trained):
    """PerceptronNER predicts valid BIO (strict = default reading) with training tags only, odd input included."""
    (x, y), _ = corpus
    model = lab.PerceptronNER(epochs=2, seed=3)
    model.fit(x[:150], y[:150])
    odd = [["zzz"] * 7, ["i-per", "B-PER", "I", "of", "the"], ["Xyz", "Qwv", "Jkl", "Mno", "Pqr"], ["."], [],
           ["in", "Ababa", "Cdcd", "Efef", "said", "Ghgh", "Ijij", "Klkl", "Mnmn", "Opop"]]
    known = {"O"} | {t for seq in y[:150] for t in seq}
    preds = list(model.predict(odd)) + list(trained)
    for tags in preds:
        tags = list(tags)
        check(all(t in known for t in tags), "predict returned a tag never seen in training")
        check(seqeval_default(tags) == seqeval_strict(tags, IOB2), "predict returned invalid BIO (an I- that continues nothing)")
    check(list(model.predict(odd)[4]) == [] and model.predict([]) == [], "predict: an empty sentence gives [], no sentences give []")
    got = [list(t) for t in model.predict([[], ["Ada", "said"], [], ["in", "Oslo"], []])]
    check([len(t) for t in got] == [0, 2, 0, 2, 0], "predict: an empty sentence gives [] wherever it stands")


@pytest.mark.points(2)
def test_perceptron_deterministic_and_refit(lab, corpus):
    """PerceptronNER: same data and seed give the same tags; a second fit forgets the first; the training set is learned."""
    (x, y), (xh, _) = corpus
    a = lab.PerceptronNER(epochs=3, seed=7)
    a.fit(x[:200], y[:200])
    b = lab.PerceptronNER(epochs=3, seed=7)
    b.fit(x[200:], y[200:])
    first = b.predict(xh[:80])
    b.fit(x[:200], y[:200])
    check(a.predict(xh[:80]) == b.predict(xh[:80]), "refitting should start from scratch (same seed and data, same tags)")
    c = lab.PerceptronNER(epochs=3, seed=7)
    c.fit(x[200:], y[200:])
    check(c.predict(xh[:80]) == first, "the same data and seed should give the same model")
    p, r, f, _ = seqeval_default_prfs(y[:200], [list(t) for t in a.predict(x[:200])], average="micro", zero_division=0)
    check(f >= 0.95, f"training-set span F1 {f:.3f} < 0.95: the perceptron does not fit its own data")


@pytest.mark.points(1)
def test_perceptron_errors(lab, corpus):
    """PerceptronNER raises ValueError for epochs < 1 and bad training data, RuntimeError when predicting before fit."""
    (x, y), _ = corpus
    model = lab.PerceptronNER(epochs=1)
    with pytest.raises(RuntimeError):
        model.predict([["Ada"]])
    model.fit(x[:20], y[:20])
    check(len(model.predict([["Ada", "said"]])[0]) == 2, "predict after fit should work")
    with pytest.raises(ValueError):
        lab.PerceptronNER(epochs=0)
    for xs, ys in (([], []), (x[:3], y[:2]), (x[:2], y[:3]), ([["a", "b"]], [["O"]]), ([["a"]], [["O", "O"]]),
                   (x[:3] + [["a"]], y[:3] + [["O", "B-PER"]]), ([["a"]], [["U-PER"]])):
        with pytest.raises(ValueError):
            lab.PerceptronNER(epochs=1).fit(xs, ys)


@pytest.mark.points(1)
def test_perceptron_defaults(lab, corpus):
    """PerceptronNER() is PerceptronNER(epochs=10, seed=0): the same tags, on noisy data where epochs and seed matter."""
    (x, y), (xh, _) = corpus
    swap = {"PER": "ORG", "ORG": "LOC", "LOC": "PER"}
    noisy = [[t if t == "O" else t[:2] + swap.get(t[2:], t[2:]) for t in seq] if k % 3 == 0 else list(seq)
             for k, seq in enumerate(y[:160])]
    default = lab.PerceptronNER()
    default.fit(x[:160], noisy)
    explicit = lab.PerceptronNER(epochs=10, seed=0)
    explicit.fit(x[:160], noisy)
    check(default.predict(xh) == explicit.predict(xh),
          "PerceptronNER() should be PerceptronNER(epochs=10, seed=0) (the defaults of the signature)")


@pytest.mark.points(2)
def test_perceptron_edge_training(lab, corpus):
    """PerceptronNER learns with empty and one-token sentences and a 300-token one; no prediction starts with I-."""
    (x, y), _ = corpus
    xs, ys = [], []
    for tokens, tags in zip(x[:150], y[:150]):
        xs += [tokens, [], []]
        ys += [tags, [], []]
    first, last = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald"], \
        ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth"]
    for a, b in zip(first, last):
        xs += [[a, b, "said"], [b]]
        ys += [["B-PER", "I-PER", "O"], ["B-PER"]]
    xs += [["Oslo"], ["hello"], ["."]]
    ys += [["B-LOC"], ["O"], ["O"]]
    long_x, long_y = [], []
    for tokens, tags in zip(x[150:], y[150:]):
        if len(long_x) >= 300:
            break
        long_x += tokens
        long_y += tags
    xs.append(long_x)
    ys.append(long_y)
    model = lab.PerceptronNER(epochs=5, seed=1)
    model.fit(xs, ys)
    known = {"O"} | {t for seq in ys for t in seq}
    odd = [[b, "said"] for b in last] + [[b] for b in last] + [[b, a] for a, b in zip(first, last)] + [long_x]
    preds = [list(t) for t in model.predict(odd)]
    # a word seen only inside names ("jr"), at the start of a sentence: its best tag is I-PER, which may not start
    inside = lab.PerceptronNER(epochs=2, seed=1)
    inside.fit(list(x[:150]) + [["we", "met", a, b, "jr"] for a, b in zip(first, last)] * 2,
               list(y[:150]) + [["O", "O", "B-PER", "I-PER", "I-PER"]] * (2 * len(first)))
    jr = [["jr"], ["Jr"], ["jr", "said"], ["jr", "Lovelace"], ["jr", "jr"], ["Jr", "Jr"], ["JR"]]
    preds += [list(t) for t in inside.predict(jr)]
    check([len(t) for t in preds] == [len(s) for s in odd + jr], "predict should return one tag per token, long sentences too")
    for tags in preds:
        check(all(t in known for t in tags), "predict returned a tag never seen in training")
        check(seqeval_default(tags) == seqeval_strict(tags, IOB2),
              "predict returned invalid BIO (an I- that continues nothing, e.g. at the start of a sentence)")
    p, r, f, _ = seqeval_default_prfs(y[:150], [list(t) for t in model.predict(x[:150])], average="micro", zero_division=0)
    check(f >= 0.9, f"training-set span F1 {f:.3f} < 0.9 with empty sentences among the training data (they teach nothing)")


# ---- options and lengths -------------------------------------------------------------------------------------------


@pytest.mark.points(1)
def test_keyword_only_options(lab):
    """The options after a bare * (strict, scheme, average, gazetteer, patterns, lowercase) are keyword-only."""
    check(lab.bio_to_spans(["I-PER"], strict=True) == [], "bio_to_spans(['I-PER'], strict=True) should be []")
    calls = [(lab.bio_to_spans, (["I-PER"], True)), (lab.spans_to_tags, ([("PER", 0, 1)], 1, "BILOU")),
             (lab.span_prf, ([["B-PER"]], [["B-PER"]], "BIO")), (lab.span_prf, ([["B-PER"]], [["O"]], "BIO", False, "micro")),
             (lab.rule_entities, (["x"], {"A": ["x"]})), (lab.rule_entities, (["x"], None, None, True))]
    for fn, args in calls:
        with pytest.raises(TypeError):
            fn(*args)


def built(text):
    """A str equal to ``text`` but another object than the literal (as options read from a file or a form are)."""
    return "".join(list(text))


@pytest.mark.points(1)
def test_options_compared_by_value(lab):
    """scheme and average are compared by value: an equal str built at run time selects the same option."""
    spans = [("PER", 0, 1), ("LOC", 2, 4)]
    check(list(lab.spans_to_tags(spans, 4, scheme=built("BILOU"))) == ["U-PER", "O", "B-LOC", "L-LOC"],
          "spans_to_tags: scheme equal to 'BILOU' should give BILOU tags")
    check(list(lab.spans_to_tags(spans, 4, scheme=built("BIO"))) == ["B-PER", "O", "B-LOC", "I-LOC"],
          "spans_to_tags: scheme equal to 'BIO' should give BIO tags")
    rng = random.Random(22)
    for mode, vocab in (("default", BIO_TAGS), ("bilou", BILOU_TAGS)):
        y_true = [random_tags(rng, vocab, 8) for _ in range(12)]
        y_pred = [random_tags(rng, vocab, 8) if k % 2 else list(s) for k, s in enumerate(y_true)]
        scheme = built("BILOU" if mode == "bilou" else "BIO")
        for average in ("micro", "macro", "weighted"):
            got = lab.span_prf(y_true, y_pred, scheme=scheme, average=built(average))
            check_prf(got, seqeval_prf(y_true, y_pred, mode, average), f"span_prf (scheme and average={average} built at run time)")


@pytest.mark.points(2)
def test_long_sentences(lab):
    """Readings, tags and scores of sentences and corpora longer than 256 (no limit on lengths)."""
    rng = random.Random(23)
    bio, bilou = random_tags(rng, BIO_TAGS, 700), random_tags(rng, BILOU_TAGS, 700)
    check(as_spans(lab.bio_to_spans(bio), "bio_to_spans") == seqeval_default(bio), "bio_to_spans of a 700-tag sentence")
    check(as_spans(lab.bio_to_spans(bio, strict=True), "bio_to_spans") == seqeval_strict(bio, IOB2),
          "bio_to_spans(strict=True) of a 700-tag sentence")
    check(as_spans(lab.bilou_to_spans(bilou), "bilou_to_spans") == seqeval_strict(bilou, BILOU),
          "bilou_to_spans of a 700-tag sentence")
    for tail, expected in ((["B-PER", "I-PER"], []), (["B-PER"], []), (["B-PER", "L-PER"], [("PER", 300, 302)]),
                           (["U-PER"], [("PER", 300, 301)]), (["I-PER", "I-PER"], [])):
        tags = ["O"] * 300 + tail
        check(as_spans(lab.bilou_to_spans(tags), "bilou_to_spans") == expected,
              "bilou_to_spans: a run at the end of a 300-tag sentence")
    spans = random_spans(rng, 500)
    check(list(lab.spans_to_tags(spans, 500, scheme="BILOU")) == doc_to_biluo_tags(doc_with(spans, 500)),
          "spans_to_tags of a 500-token sentence")
    y_true = [random_tags(rng, BIO_TAGS, rng.randint(0, 6)) for _ in range(300)] + [random_tags(rng, BIO_TAGS, 400)]
    y_pred = [random_tags(rng, BIO_TAGS, len(s)) if rng.random() < 0.5 else list(s) for s in y_true]
    for average in ("micro", "macro"):
        check_prf(lab.span_prf(y_true, y_pred, average=average), seqeval_prf(y_true, y_pred, "default", average),
                  f"span_prf of 301 sentences, one of 400 tags (average={average})")
    for bad in ((y_true, y_pred[:-1]), (y_true, y_pred[:-1] + [y_pred[-1][:-1]])):
        with pytest.raises(ValueError):
            lab.span_prf(*bad)
