"""Public sanity checks for lab 10 (text augmentation).

Run them with ``autograder test lab10_augmentation`` or
``pytest assignments/lab10_augmentation``. They use the lexicon that ships
with the lab (``synonyms.json``) and check a few invariants on a few seeds.
The graded tests check the same kinds of properties far more thoroughly: on
hundreds of sentences and seeds, with protected tokens everywhere, messy
lexicons (repeats, words listed as their own synonyms), the exact number of
changes, and the distributions (uniform positions, synonyms and pairs, the
deletion rate).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

LEXICON_FILE = Path(__file__).resolve().parents[1] / "synonyms.json"
SENTENCE = "the clever child found a tiny stone near the old road".split()


@pytest.fixture(scope="module")
def lexicon(lab):
    return lab.load_lexicon(lab.put_file(LEXICON_FILE))


def test_shipped_lexicon_loads(lexicon):
    assert isinstance(lexicon, dict) and len(lexicon) > 300, "synonyms.json has a few hundred words"
    assert lexicon["big"][:2] == ["large", "huge"], f"the order of the synonyms is kept; got {lexicon['big']}"
    assert all(lst and w not in lst for w, lst in lexicon.items()), "every word has synonyms, never itself"


def test_synonyms_of_docstring_example(lab):
    result = lab.synonyms_of("big", {"big": ["large", "big", "huge", "large"]})
    assert result == ["large", "huge"], f"no repeats, not the word itself; got {result}"
    assert lab.synonyms_of("zebra", {"big": ["large"]}) == [], "an unknown word has no synonyms"


def test_synonym_replacement_changes_two_words(lab, lexicon):
    for seed in range(5):
        out = lab.synonym_replacement(SENTENCE, 2, lexicon, seed, ["child"])
        changed = [i for i, (a, b) in enumerate(zip(SENTENCE, out)) if a != b]
        assert len(out) == len(SENTENCE), "the length must not change"
        assert len(changed) == 2, f"n=2 must change exactly 2 positions, changed {len(changed)} (seed {seed})"
        assert all(out[i] in lexicon[SENTENCE[i]] for i in changed), "a replacement must be a synonym from the lexicon"
        assert out[2] == "child", "a protected token must not be replaced"


def test_random_insertion_adds_synonyms(lab, lexicon):
    for seed in range(5):
        out = lab.random_insertion(SENTENCE, 3, lexicon, seed)
        assert len(out) == len(SENTENCE) + 3, f"n=3 must add 3 tokens, got {len(out) - len(SENTENCE)} (seed {seed})"
        inserted = Counter(out) - Counter(SENTENCE)
        allowed = {s for w in SENTENCE for s in lexicon.get(w, [])}
        assert set(inserted) <= allowed, f"inserted words must be synonyms of the sentence's words; got {sorted(inserted)}"


def test_random_swap_keeps_tokens_and_protected_positions(lab):
    for seed in range(5):
        out = lab.random_swap(SENTENCE, 3, seed, ["the"])
        assert Counter(out) == Counter(SENTENCE), "a swap must keep the multiset of tokens"
        assert out[0] == "the" and out[8] == "the", "protected tokens keep their positions"
    one = lab.random_swap(["x", "y"], 1, 0)
    assert one == ["y", "x"], f"one swap of two distinct tokens exchanges them; got {one}"


def test_random_deletion_never_empty(lab):
    for seed in range(5):
        out = lab.random_deletion(SENTENCE, 1.0, seed)
        assert len(out) == 1 and out[0] in SENTENCE, f"p=1 keeps one random token of the sentence; got {out}"
        out = lab.random_deletion(SENTENCE, 0.5, seed, ["stone"])
        assert "stone" in out, "a protected token is never deleted"
    assert lab.random_deletion(SENTENCE, 0.0, 0) == SENTENCE, "p=0 deletes nothing"


def test_num_changes_docstring_examples(lab):
    got = [lab.num_changes(0.1, 25), lab.num_changes(0.1, 5), lab.num_changes(0.1, 19), lab.num_changes(0.0, 30)]
    assert got == [2, 1, 1, 0], f"max(1, int(alpha * n)), and 0 when alpha == 0; got {got}"


def test_eda_copies_and_seed(lab, lexicon):
    text = " ".join(SENTENCE)
    copies = lab.eda(text, lexicon, 8, seed=3)
    assert len(copies) == 8 and all(isinstance(c, str) for c in copies), "eda returns num_aug strings"
    assert len(copies[1].split()) == len(SENTENCE) + 1, "copy 1 is random insertion with n = max(1, int(0.1 * 11)) = 1"
    assert Counter(copies[2].split()) == Counter(SENTENCE), "copy 2 is a random swap"
    assert lab.eda(text, lexicon, 8, seed=3) == copies, "the same seed must give the same copies"


def test_augment_dataset_keeps_labels(lab, lexicon):
    data = [("a tiny stone", "rock"), ("the clever child", 7)]
    out = [tuple(p) for p in lab.augment_dataset(data, lexicon, 2, seed=1)]
    assert len(out) == 6, f"2 examples x (1 original + 2 copies) = 6 pairs; got {len(out)}"
    assert out[0] == data[0] and out[3] == data[1], "each original pair comes first, unchanged"
    assert [label for _, label in out] == ["rock"] * 3 + [7] * 3, "every copy keeps its example's label"
