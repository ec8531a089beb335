"""Hidden tests for lab 10 (text augmentation with EDA).

There is no oracle library for EDA, and the operations are random, so the
tests never compare with a particular random sequence (ours or anyone's).
They check what every correct implementation must satisfy, over many seeds
(batched with ``lab.map``):

- invariants of each operation: lengths, multisets, order of the kept or
  original tokens, protected tokens, synonyms taken from the lexicon and
  never the word itself, the exact number of changes;
- distributions: positions, synonyms, swapped pairs and the kept word of an
  emptied sentence are uniform, and deletion removes a fraction ``p`` of the
  words, within six binomial standard deviations;
- seeded determinism: the same seed gives the same output, different seeds
  give different outputs;
- the pipeline: copies cycle through the active operations with
  ``num_changes`` changes each; a data set keeps every label.

The lexicons and sentences are written or generated here.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from itertools import combinations

import pytest

from autograder.testing import assert_equal, check

# ---- test data -------------------------------------------------------------------------------------------

#: A clean lexicon: no repeats, no word listed as its own synonym.
LEXICON = {
    "quick": ["fast", "rapid", "swift"],
    "fast": ["quick", "rapid"],
    "brown": ["tan", "auburn"],
    "fox": ["vixen"],
    "jumps": ["leaps", "hops"],
    "lazy": ["idle", "sluggish"],
    "dog": ["hound", "pup", "canine"],
    "big": ["large", "huge", "vast"],
    "house": ["home", "dwelling"],
    "happy": ["glad", "cheerful", "joyful"],
    "child": ["kid", "youngster"],
    "reads": ["studies", "peruses"],
    "book": ["volume", "novel"],
    "old": ["ancient", "aged"],
    "man": ["fellow", "gentleman"],
    "walks": ["strolls", "ambles"],
    "slowly": ["gradually", "leisurely"],
    "good": ["fine", "nice", "great"],
    "movie": ["film", "picture"],
    "not": ["never"],
    "unused": ["spare", "extra"],  # never in a test sentence: its synonyms must never be inserted
}

#: The same with the mess a real lexicon has: repeats, self-listings, a word whose only synonym is itself.
RAW_LEXICON = {
    **LEXICON,
    "quick": ["quick", "fast", "rapid", "fast", "swift"],
    "dog": ["hound", "dog", "pup", "hound", "canine", "dog"],
    "good": ["good"],
    "movie": ["film", "movie", "picture"],
    "big": ["big", "large", "big", "huge", "vast"],
}

#: Words without synonyms.
FILLERS = ["the", "a", "and", "over", "was", "in", "of", "to", "it", "Alice", "Paris", "very"]
CONTENT = sorted(k for k in LEXICON if k != "unused")

#: Protected sets used below (strings matched exactly).
PROTECTED = ["not", "Alice", "dog"]


def synonyms(word: str, lexicon: dict) -> list[str]:
    """Oracle for synonyms_of."""
    return [s for s in dict.fromkeys(lexicon.get(word, ())) if s != word]


def make_sentences(seed: int, count: int, lo: int, hi: int, content_share: float = 0.5) -> list[list[str]]:
    """Random sentences of lo..hi tokens; about 40 % repeat one token, some have no word with synonyms."""
    rng = random.Random(seed)
    out = []
    for k in range(count):
        length = rng.randint(lo, hi)
        share = 0.0 if k % 7 == 6 else content_share
        words = [rng.choice(CONTENT) if rng.random() < share else rng.choice(FILLERS) for _ in range(length)]
        if length >= 3 and rng.random() < 0.4:
            words[rng.randrange(length)] = words[rng.randrange(length)]
        out.append(words)
    return out


def as_tokens(result, what: str) -> list[str]:
    check(isinstance(result, list), f"{what}: expected a list of tokens, got {type(result).__name__}")
    check(all(isinstance(t, str) for t in result), f"{what}: every token must be a str")
    return result


def changed_positions(a: list[str], b: list[str]) -> list[int]:
    return [i for i, (x, y) in enumerate(zip(a, b)) if x != y]


def is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(any(x == y for y in it) for x in short)


def within(count: int, trials: int, p: float, sds: float = 6.0) -> bool:
    """count is within `sds` binomial standard deviations of trials * p."""
    return abs(count - trials * p) <= sds * math.sqrt(trials * p * (1 - p)) + 1


def oracle_num_changes(alpha: float, num_words: int) -> int:
    return 0 if alpha == 0 else max(1, int(alpha * num_words))


# ---- validators: what any correct output of an operation satisfies ----------------------------------------


def eligible_positions(words, lexicon, protected) -> list[int]:
    return [i for i, w in enumerate(words) if w not in protected and synonyms(w, lexicon)]


def check_replacement(words, out, n, lexicon, protected, what):
    out = as_tokens(out, what)
    check(len(out) == len(words), f"{what}: synonym replacement changed the length of the sentence")
    changed = changed_positions(words, out)
    eligible = set(eligible_positions(words, lexicon, protected))
    check(all(words[i] not in protected for i in changed), f"{what}: a protected token was replaced")
    for i in changed:
        check(out[i] in lexicon.get(words[i], ()), f"{what}: a word was replaced by something that is not one of its synonyms")
    check(set(changed) <= eligible, f"{what}: a word without synonyms was changed")
    check(
        len(changed) == min(n, len(eligible)),
        f"{what}: {len(changed)} positions changed, expected min(n, eligible positions) (n = {n})",
    )


def check_insertion(words, out, n, lexicon, protected, what):
    out = as_tokens(out, what)
    sources = [w for w in words if w not in protected and synonyms(w, lexicon)]
    if not sources:
        check(out == list(words), f"{what}: a sentence without sources must come back unchanged")
        return
    check(len(out) == len(words) + n, f"{what}: expected len(words) + n tokens after inserting n = {n} words")
    check(is_subsequence(words, out), f"{what}: the original tokens must stay, in their order")
    allowed = {s for w in sources for s in synonyms(w, lexicon)}
    inserted = Counter(out) - Counter(words)
    check(sum(inserted.values()) == n, f"{what}: the original tokens must all stay")
    check(set(inserted) <= allowed, f"{what}: an inserted word is not a synonym of an unprotected word of the sentence")


def check_swap(words, out, n, protected, what):
    out = as_tokens(out, what)
    check(len(out) == len(words), f"{what}: a swap changed the length of the sentence")
    check(Counter(out) == Counter(words), f"{what}: a swap changed the multiset of tokens")
    check(
        all(out[i] == w for i, w in enumerate(words) if w in protected),
        f"{what}: a protected token moved (or another token was swapped into its position)",
    )
    check(len(changed_positions(words, out)) <= 2 * n, f"{what}: more positions changed than {n} swaps can change")


def check_deletion(words, out, protected, what):
    out = as_tokens(out, what)
    check(len(out) <= len(words), f"{what}: deletion made the sentence longer")
    check(is_subsequence(out, words), f"{what}: the kept tokens must be tokens of the sentence, in their order")
    check(not words or out, f"{what}: deletion returned an empty sentence")
    kept_protected = [w for w in out if w in protected]
    check(kept_protected == [w for w in words if w in protected], f"{what}: a protected token was deleted")


def check_copy(op, words, copy, rates, lexicon, protected, what):
    """Validate one pipeline copy (a string) made by operation `op` from `words`."""
    check(isinstance(copy, str), f"{what}: each copy must be a str")
    out = copy.split()
    check(" ".join(out) == copy, f"{what}: tokens must be joined by one space")
    alpha_sr, alpha_ri, alpha_rs, p_rd = rates
    L = len(words)
    if op == "sr":
        check_replacement(words, out, oracle_num_changes(alpha_sr, L), lexicon, protected, f"{what} (synonym replacement)")
    elif op == "ri":
        check_insertion(words, out, oracle_num_changes(alpha_ri, L), lexicon, protected, f"{what} (random insertion)")
    elif op == "rs":
        check_swap(words, out, oracle_num_changes(alpha_rs, L), protected, f"{what} (random swap)")
    else:
        check_deletion(words, out, protected, f"{what} (random deletion)")


def active_ops(rates) -> list[str]:
    return [op for op, rate in zip(("sr", "ri", "rs", "rd"), rates) if rate > 0]


# ---- the lexicon -----------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_load_lexicon_cleans_lists(lab, tmp_path):
    """load_lexicon drops repeats, the word itself and words left without synonyms, keeping the order."""
    data = {
        "big": ["large", "big", "huge", "large"],
        "Quick": ["fast", "Quick", "rapid"],
        "alone": ["alone"],
        "empty": [],
        "dog": ["hound", "pup"],
        "well-known": ["famous", "renowned", "famous"],
    }
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = lab.load_lexicon(lab.put_file(path))
    check(isinstance(result, dict), "load_lexicon must return a dict")
    expected = {"big": ["large", "huge"], "Quick": ["fast", "rapid"], "dog": ["hound", "pup"], "well-known": ["famous", "renowned"]}
    assert_equal(result, expected, what="the cleaned lexicon")
    assert_equal(list(result), list(expected), what="the order of the lexicon's words")


@pytest.mark.points(2)
def test_load_lexicon_rejects_malformed_files(lab, tmp_path):
    """load_lexicon raises ValueError for a top-level list, a string value and a list with a number (a valid file loads)."""
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"big": ["large"], "Straße": ["Gasse", "Weg"], "café": ["bistro", "café"]}, ensure_ascii=False), encoding="utf-8")
    assert_equal(lab.load_lexicon(lab.put_file(good)), {"big": ["large"], "Straße": ["Gasse", "Weg"], "café": ["bistro"]},
                 what="load_lexicon of a valid UTF-8 file with non-ASCII words")
    for k, data in enumerate([["big", "large"], {"big": "large"}, {"big": ["large", 3]}, "big", {"a": ["b"], "big": [["large"]]}, {"big": None}]):
        path = tmp_path / f"bad{k}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(ValueError):
            lab.load_lexicon(lab.put_file(path))


@pytest.mark.points(2)
def test_synonyms_of(lab):
    """synonyms_of removes repeats and the word itself and keeps the order; unknown words have none."""
    words = list(RAW_LEXICON) + ["the", "Dog", "unknown"]
    results = lab.map(lab.synonyms_of, [(w, RAW_LEXICON) for w in words])
    for w, result in zip(words, results):
        assert_equal(result, synonyms(w, RAW_LEXICON), what=f"synonyms_of({w!r})")


# ---- synonym replacement ---------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_replacement_changes_exactly_n_positions(lab):
    """synonym_replacement changes exactly min(n, eligible positions) tokens, each to one of its synonyms."""
    sentences = make_sentences(1, 60, 1, 16)
    calls = [(words, n, LEXICON, seed) for seed, words in enumerate(sentences) for n in (0, 1, 2, 3, 6, 30)]
    results = lab.map(lab.synonym_replacement, calls)
    for (words, n, _, seed), out in zip(calls, results):
        check_replacement(words, out, n, LEXICON, (), f"synonym_replacement(n={n}, seed={seed})")


@pytest.mark.points(3)
def test_replacement_never_returns_the_word_itself(lab):
    """With a lexicon that lists words among their own synonyms, a replacement still always changes the word."""
    sentences = make_sentences(2, 60, 1, 14, content_share=0.7)
    calls = [(words, n, RAW_LEXICON, seed) for seed, words in enumerate(sentences) for n in (1, 2, 4, 20)]
    results = lab.map(lab.synonym_replacement, calls)
    for (words, n, _, seed), out in zip(calls, results):
        check_replacement(words, out, n, RAW_LEXICON, (), f"synonym_replacement(n={n}, seed={seed})")


@pytest.mark.points(2)
def test_replacement_leaves_protected_tokens(lab):
    """Protected tokens are never replaced, and they do not count as eligible positions."""
    sentences = make_sentences(3, 60, 2, 14, content_share=0.7)
    for words in sentences[::3]:
        words[0:0] = ["dog", "not"]
    calls = [(words, n, LEXICON, seed, PROTECTED) for seed, words in enumerate(sentences) for n in (1, 3, 30)]
    results = lab.map(lab.synonym_replacement, calls)
    for (words, n, _, seed, protected), out in zip(calls, results):
        check_replacement(words, out, n, LEXICON, set(protected), f"synonym_replacement(n={n}, seed={seed}) with protected tokens")


@pytest.mark.points(3)
def test_replacement_is_uniform(lab):
    """The replaced position is uniform over eligible positions, and the synonym uniform over the word's synonyms."""
    words = ["the", "quick", "dog", "reads", "a", "big", "book"]
    trials = 2000
    results = lab.map(lab.synonym_replacement, [(words, 1, LEXICON, seed) for seed in range(trials)])
    positions, chosen = Counter(), Counter()
    for seed, out in enumerate(results):
        changed = changed_positions(words, as_tokens(out, "synonym_replacement"))
        check(len(changed) == 1, f"synonym_replacement(n=1, seed={seed}) must change exactly one position")
        positions[changed[0]] += 1
        chosen[out[changed[0]]] += 1
    eligible = [1, 2, 3, 5, 6]
    for i in eligible:
        check(within(positions[i], trials, 1 / len(eligible)), "the replaced position is not uniform over the eligible positions")
    for i in eligible:
        options = LEXICON[words[i]]
        for s in options:
            check(within(chosen[s], positions[i], 1 / len(options)), "the synonym is not chosen uniformly among the word's synonyms")


@pytest.mark.points(2)
def test_replacement_edge_cases(lab):
    """Empty sentence, no word with synonyms, all words protected and n = 0 give the sentence unchanged; n < 0 raises."""
    cases = [
        ([], 1, ()),
        (["the", "Alice", "of", "Paris"], 2, ()),
        (["dog", "not", "dog"], 2, PROTECTED),
        (["quick", "brown", "fox"], 0, ()),
    ]
    for words, n, protected in cases:
        for seed in range(3):
            out = lab.synonym_replacement(words, n, LEXICON, seed, protected)
            assert_equal(as_tokens(out, "synonym_replacement"), list(words), what=f"synonym_replacement of a {len(words)}-token sentence (n={n})")
    one = lab.synonym_replacement(["happy"], 3, LEXICON, 0)
    check(len(one) == 1 and one[0] in LEXICON["happy"], "a one-word sentence with synonyms: the word is replaced")
    with pytest.raises(ValueError):
        lab.synonym_replacement(["quick"], -1, LEXICON, 0)


# ---- random insertion ------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_insertion_adds_n_synonyms_of_sentence_words(lab):
    """random_insertion adds exactly n tokens, each a synonym of a word of the sentence; the original tokens stay in order."""
    sentences = make_sentences(4, 60, 1, 14)
    calls = [(words, n, LEXICON, seed) for seed, words in enumerate(sentences) for n in (0, 1, 2, 5)]
    results = lab.map(lab.random_insertion, calls)
    for (words, n, _, seed), out in zip(calls, results):
        check_insertion(words, out, n, LEXICON, (), f"random_insertion(n={n}, seed={seed})")


@pytest.mark.points(2)
def test_insertion_never_uses_protected_sources(lab):
    """Synonyms of protected words are never inserted, and protected tokens stay."""
    sentences = make_sentences(5, 50, 1, 12)
    for words in sentences[::2]:
        words[0:0] = ["not", "dog"]
    calls = [(words, n, LEXICON, seed, PROTECTED) for seed, words in enumerate(sentences) for n in (1, 3)]
    results = lab.map(lab.random_insertion, calls)
    for (words, n, _, seed, protected), out in zip(calls, results):
        check_insertion(words, out, n, LEXICON, set(protected), f"random_insertion(n={n}, seed={seed}) with protected tokens")


@pytest.mark.points(3)
def test_insertion_positions_are_uniform(lab):
    """The insertion point is uniform over all len + 1 gaps (including the end) and the synonym over the sources' synonyms."""
    words = ["the", "old", "man", "walks"]
    trials = 2500
    results = lab.map(lab.random_insertion, [(words, 1, LEXICON, seed) for seed in range(trials)])
    slots, inserted = Counter(), Counter()
    for seed, out in enumerate(results):
        out = as_tokens(out, "random_insertion")
        new = [i for i, t in enumerate(out) if t not in words]
        check(len(out) == 5 and len(new) == 1, f"random_insertion(n=1, seed={seed}) must insert exactly one synonym")
        slots[new[0]] += 1
        inserted[out[new[0]]] += 1
    for slot in range(5):
        check(within(slots[slot], trials, 1 / 5), "the insertion point is not uniform over the len(words) + 1 gaps")
    for w in ("old", "man", "walks"):
        for s in LEXICON[w]:
            check(within(inserted[s], trials, 1 / 6), "the inserted synonyms are not uniform (source word, then synonym)")


@pytest.mark.points(2)
def test_insertion_edge_cases(lab):
    """No source (no synonyms, all protected, empty) or n = 0 leaves the sentence unchanged; n < 0 raises."""
    cases = [([], 2, ()), (["the", "Alice", "of"], 3, ()), (["not", "dog", "Paris"], 2, PROTECTED), (["quick", "fox"], 0, ())]
    for words, n, protected in cases:
        for seed in range(3):
            out = lab.random_insertion(words, n, LEXICON, seed, protected)
            assert_equal(as_tokens(out, "random_insertion"), list(words), what=f"random_insertion of a {len(words)}-token sentence (n={n})")
    one = as_tokens(lab.random_insertion(["fox"], 3, LEXICON, 1), "random_insertion")
    check(one.count("fox") == 1 and one.count("vixen") == 3, "random_insertion(['fox'], n=3) inserts 'fox''s only synonym 3 times")
    with pytest.raises(ValueError):
        lab.random_insertion(["quick"], -1, LEXICON, 0)


# ---- random swap -----------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_swap_keeps_the_tokens(lab):
    """random_swap keeps the length and multiset of tokens; one swap of distinct tokens changes exactly two positions."""
    sentences = make_sentences(6, 60, 2, 15)
    calls = [(words, n, seed) for seed, words in enumerate(sentences) for n in (0, 1, 2, 5)]
    results = lab.map(lab.random_swap, calls)
    for (words, n, seed), out in zip(calls, results):
        check_swap(words, out, n, (), f"random_swap(n={n}, seed={seed})")
        if n == 0:
            check(out == words, f"random_swap(n=0, seed={seed}) must return the sentence unchanged")
    distinct = [f"w{i}" for i in range(8)]
    for length in range(2, 9):
        results = lab.map(lab.random_swap, [(distinct[:length], 1, seed) for seed in range(40)])
        for seed, out in enumerate(results):
            changed = changed_positions(distinct[:length], as_tokens(out, "random_swap"))
            check(len(changed) == 2, f"random_swap(n=1, seed={seed}) of {length} distinct tokens must change exactly two positions")


@pytest.mark.points(3)
def test_swap_leaves_protected_tokens_in_place(lab):
    """Protected tokens keep their positions: they are never swapped, nor is another token swapped into their place."""
    sentences = make_sentences(7, 60, 2, 12)
    for k, words in enumerate(sentences):
        words.insert(k % len(words), PROTECTED[k % 3])
    calls = [(words, n, seed, PROTECTED) for seed, words in enumerate(sentences) for n in (1, 2, 6)]
    results = lab.map(lab.random_swap, calls)
    for (words, n, seed, protected), out in zip(calls, results):
        check_swap(words, out, n, set(protected), f"random_swap(n={n}, seed={seed}) with protected tokens")


@pytest.mark.points(2)
def test_swap_pairs_are_uniform(lab):
    """Each unordered pair of free positions is swapped equally often."""
    words = ["a", "b", "not", "c", "d", "e"]
    results = lab.map(lab.random_swap, [(words, 1, seed, ["not"]) for seed in range(3000)])
    pairs = Counter(tuple(changed_positions(words, as_tokens(out, "random_swap"))) for out in results)
    swapped = sum(c for pair, c in pairs.items() if len(pair) == 2)
    free = [0, 1, 3, 4, 5]
    for pair in combinations(free, 2):
        check(within(pairs[pair], swapped, 1 / 10), "the swapped pairs are not uniform over the pairs of free positions")


@pytest.mark.points(2)
def test_swap_edge_cases(lab):
    """Fewer than two free positions leave the sentence unchanged; n < 0 raises."""
    for words, protected in [([], ()), (["alone"], ()), (["not", "dog", "x", "Alice"], PROTECTED)]:
        for seed in range(3):
            out = lab.random_swap(words, 3, seed, protected)
            assert_equal(as_tokens(out, "random_swap"), list(words), what=f"random_swap of a {len(words)}-token sentence")
    with pytest.raises(ValueError):
        lab.random_swap(["a", "b"], -1, 0)


# ---- random deletion -------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_deletion_keeps_order_and_protected_tokens(lab):
    """random_deletion keeps tokens in their order and never deletes a protected token; with p = 1 only those stay."""
    sentences = make_sentences(8, 60, 1, 14)
    for k, words in enumerate(sentences):
        words.insert(k % len(words), PROTECTED[k % 3])
    calls = [(words, p, seed, PROTECTED) for seed, words in enumerate(sentences) for p in (0.2, 0.5, 0.9)]
    results = lab.map(lab.random_deletion, calls)
    for (words, p, seed, protected), out in zip(calls, results):
        check_deletion(words, out, set(protected), f"random_deletion(p={p}, seed={seed}) with protected tokens")
    results = lab.map(lab.random_deletion, [(words, 1.0, seed, PROTECTED) for seed, words in enumerate(sentences)])
    for words, out in zip(sentences, results):
        check(out == [w for w in words if w in PROTECTED], "random_deletion(p=1) must keep exactly the protected tokens")


@pytest.mark.points(2)
def test_deletion_rate_is_p(lab):
    """Over many words, the fraction deleted is p (within six binomial standard deviations)."""
    words = [f"t{i}" for i in range(20)]
    for p in (0.1, 0.3, 0.7):
        results = lab.map(lab.random_deletion, [(words, p, seed) for seed in range(300)])
        deleted = sum(len(words) - len(as_tokens(out, "random_deletion")) for out in results)
        check(within(deleted, 300 * len(words), p), f"random_deletion(p={p}) deleted a fraction of the words far from p")


@pytest.mark.points(3)
def test_deletion_never_empties_a_sentence(lab):
    """A sentence whose tokens are all deleted keeps one token, chosen uniformly."""
    sentences = make_sentences(9, 80, 1, 5)
    calls = [(words, p, seed) for seed, words in enumerate(sentences) for p in (0.8, 0.95, 1.0)]
    results = lab.map(lab.random_deletion, calls)
    for (words, p, seed), out in zip(calls, results):
        check_deletion(words, out, (), f"random_deletion(p={p}, seed={seed})")
        if p == 1.0:
            check(len(out) == 1, f"random_deletion(p=1, seed={seed}) must keep exactly one token")
    check(lab.random_deletion(["alone"], 1.0, 3) == ["alone"], "a one-word sentence comes back unchanged")
    words, trials = ["w", "x", "y", "z"], 2000
    kept = Counter(tuple(out) for out in lab.map(lab.random_deletion, [(words, 1.0, seed) for seed in range(trials)]))
    for w in words:
        check(within(kept[(w,)], trials, 1 / 4), "the token kept from an emptied sentence is not chosen uniformly")


@pytest.mark.points(2)
def test_deletion_edge_cases(lab):
    """An empty sentence gives []; p = 0 deletes nothing; p outside [0, 1] raises ValueError."""
    check(lab.random_deletion([], 0.5, 0) == [], "random_deletion([]) must return []")
    words = ["the", "quick", "brown", "fox"]
    check(all(out == words for out in lab.map(lab.random_deletion, [(words, 0.0, s) for s in range(20)])), "p = 0 must delete nothing")
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError):
            lab.random_deletion(words, p, 0)


# ---- seeded determinism ----------------------------------------------------------------------------------

OPERATION_CALLS = {
    "synonym_replacement": lambda lab, words, seed: (lab.synonym_replacement, (words, 3, LEXICON, seed)),
    "random_insertion": lambda lab, words, seed: (lab.random_insertion, (words, 3, LEXICON, seed)),
    "random_swap": lambda lab, words, seed: (lab.random_swap, (words, 2, seed)),
    "random_deletion": lambda lab, words, seed: (lab.random_deletion, (words, 0.4, seed)),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("operation", list(OPERATION_CALLS))
def test_seeded_determinism(lab, operation):
    """The same seed gives the same output (also after other calls); different seeds give different outputs."""
    words = "the quick brown fox jumps over the lazy dog and the happy child reads a good book".split()
    fn = OPERATION_CALLS[operation](lab, words, 0)[0]
    seeds = list(range(100, 130))
    first = lab.map(fn, [OPERATION_CALLS[operation](lab, words, s)[1] for s in seeds])
    second = lab.map(fn, [OPERATION_CALLS[operation](lab, words, s)[1] for s in reversed(seeds)])[::-1]
    check(first == second, f"{operation}: the same seed must give the same output")
    distinct = len({tuple(out) for out in first})
    check(distinct >= 15, f"{operation}: 30 different seeds gave only {distinct} different outputs")


# ---- the pipeline ----------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_num_changes(lab):
    """num_changes is max(1, int(alpha * num_words)) for alpha > 0 and 0 for alpha = 0; negative input raises."""
    cases = [(0.1, 25), (0.1, 5), (0.1, 19), (0.2, 10), (0.5, 7), (0.25, 13), (0.0, 10), (0.3, 0), (1.0, 4), (0.05, 60)]
    results = lab.map(lab.num_changes, cases)
    for (alpha, n), result in zip(cases, results):
        assert_equal(result, oracle_num_changes(alpha, n), what=f"num_changes({alpha}, {n})")
    with pytest.raises(ValueError):
        lab.num_changes(-0.1, 10)


EDA_TEXTS = [
    "the quick brown fox jumps over the lazy dog",
    "Alice was not happy with the old movie",
    "a good book",
    "dog",
    "the child reads a big book in the house and the man walks slowly to the old house over the hill of Paris",
    "it was very good and not bad",
    "the of a Paris",
]


@pytest.mark.points(4)
def test_eda_cycles_through_operations(lab):
    """eda makes num_aug copies, copy j by active operation j mod 4 (SR, RI, RS, RD) with num_changes changes; seeded."""
    rates = (0.2, 0.1, 0.15, 0.2)
    calls = [(text, LEXICON, 8, *rates, seed, PROTECTED) for seed in range(25) for text in EDA_TEXTS]
    results = lab.map(lab.eda, calls)
    for (text, *_, seed, protected), copies in zip(calls, results):
        check(isinstance(copies, list) and len(copies) == 8, f"eda(num_aug=8, seed={seed}) must return a list of 8 copies")
        for j, copy in enumerate(copies):
            check_copy(active_ops(rates)[j % 4], text.split(), copy, rates, LEXICON, set(protected), f"eda copy {j} (seed={seed})")
    again = lab.map(lab.eda, calls[:14])
    check(again == results[:14], "eda: the same seed must give the same copies")
    long_text = [results[k] for k, call in enumerate(calls) if call[0] == EDA_TEXTS[0]]
    check(len({tuple(c) for c in long_text}) >= 20, "eda: different seeds must give different copies")


@pytest.mark.points(2)
def test_eda_change_counts_on_short_and_long_sentences(lab):
    """eda uses n = max(1, int(alpha * len(words))): at least one change in short sentences, rounded down in long ones."""
    cases = [(3, 0.1), (5, 0.1), (9, 0.1), (19, 0.1), (25, 0.1), (12, 0.25), (7, 0.5), (16, 0.3)]
    words = [w for w in "quick brown fox jumps lazy dog big house happy child reads book old man walks good movie".split()]
    calls = []
    for length, alpha in cases:
        for seed in range(10):
            text = " ".join((words * 2)[seed : seed + length])
            calls.append((text, LEXICON, 4, alpha, alpha, 0.0, 0.0, seed))
    results = lab.map(lab.eda, calls)
    for (text, _, _, alpha, _, _, _, seed), copies in zip(calls, results):
        rates = (alpha, alpha, 0.0, 0.0)
        check(isinstance(copies, list) and len(copies) == 4, f"eda(num_aug=4, seed={seed}) must return 4 copies")
        for j, copy in enumerate(copies):
            check_copy(("sr", "ri")[j % 2], text.split(), copy, rates, LEXICON, (), f"eda copy {j} of a {len(text.split())}-word sentence with alpha={alpha}")


@pytest.mark.points(2)
def test_eda_inactive_operations_and_errors(lab):
    """Operations with rate 0 are skipped; num_aug = 0 and empty texts work; invalid rates or no active operation raise."""
    text = "Alice was not happy with the old movie and the dog"
    for rates in [(0.0, 0.0, 0.3, 0.0), (0.0, 0.0, 0.0, 0.5), (0.3, 0.0, 0.0, 0.4), (0.0, 0.2, 0.2, 0.2)]:
        calls = [(text, LEXICON, 6, *rates, seed, PROTECTED) for seed in range(15)]
        for (*_, seed, _), copies in zip(calls, lab.map(lab.eda, calls)):
            check(isinstance(copies, list) and len(copies) == 6, "eda must return num_aug copies")
            for j, copy in enumerate(copies):
                ops = active_ops(rates)
                check_copy(ops[j % len(ops)], text.split(), copy, rates, LEXICON, set(PROTECTED), f"eda copy {j} with rates {rates}")
    assert_equal(lab.eda(text, LEXICON, 0), [], what="eda with num_aug=0")
    assert_equal(lab.eda("  ", LEXICON, 4), ["", "", "", ""], what="eda of an empty text")
    for kwargs in [dict(alpha_sr=0.0, alpha_ri=0.0, alpha_rs=0.0, p_rd=0.0), dict(alpha_sr=-0.1), dict(p_rd=1.5), dict(num_aug=-1)]:
        with pytest.raises(ValueError):
            lab.eda(text, LEXICON, **kwargs)


DATASET = [
    ("the movie was good and the book was good", "pos"),
    ("the movie was not good", "neg"),
    ("Alice reads a big old book", 2),
    ("dog", 0),
    ("the quick brown fox jumps over the lazy dog", 1),
    ("the movie was good and the book was good", "neg"),
    ("it was very bad", "neg"),
    ("", "empty"),
    ("a happy child walks slowly to the house", 1),
]


@pytest.mark.points(3)
def test_dataset_keeps_labels(lab):
    """augment_dataset returns each (text, label) then num_aug copies with the same label; seeded."""
    num_aug = 3
    for seed in range(5):
        result = lab.augment_dataset(DATASET, LEXICON, num_aug, 0.2, 0.2, 0.2, 0.2, seed, PROTECTED)
        check(isinstance(result, list), "augment_dataset must return a list")
        check(len(result) == len(DATASET) * (num_aug + 1), "augment_dataset must return len(examples) * (num_aug + 1) pairs")
        for k, (text, label) in enumerate(DATASET):
            group = result[k * (num_aug + 1) : (k + 1) * (num_aug + 1)]
            check(all(isinstance(p, (tuple, list)) and len(p) == 2 for p in group), "each item must be a (text, label) pair")
            check(tuple(group[0]) == (text, label), f"example {k}: the original pair must come first, unchanged")
            for p in group[1:]:
                check(p[1] == label and type(p[1]) is type(label), f"example {k}: an augmented copy lost or changed its label")
                check(isinstance(p[0], str), f"example {k}: an augmented text must be a str")
    again = lab.augment_dataset(DATASET, LEXICON, num_aug, 0.2, 0.2, 0.2, 0.2, 4, PROTECTED)
    check([tuple(p) for p in again] == [tuple(p) for p in result], "augment_dataset: the same seed must give the same result")


@pytest.mark.points(2)
def test_dataset_copies_are_augmentations_of_their_example(lab):
    """Each copy is an eda copy of its own example (operations cycling SR, RI, RS, RD); seeds give different copies."""
    num_aug, rates = 4, (0.2, 0.2, 0.2, 0.3)
    outputs = set()
    for seed in range(8):
        result = lab.augment_dataset(DATASET, LEXICON, num_aug, *rates, seed, PROTECTED)
        check(len(result) == len(DATASET) * (num_aug + 1), "augment_dataset must return len(examples) * (num_aug + 1) pairs")
        for k, (text, _) in enumerate(DATASET):
            copies = [p[0] for p in result[k * (num_aug + 1) + 1 : (k + 1) * (num_aug + 1)]]
            for j, copy in enumerate(copies):
                check_copy(active_ops(rates)[j], text.split(), copy, rates, LEXICON, set(PROTECTED), f"example {k}, copy {j}")
        outputs.add(tuple(tuple(p) for p in result))
    check(len(outputs) >= 6, "augment_dataset: different seeds must give different copies")


# ---- per-element randomness, independence of copies, input types -----------------------------------------


def _sample_variance(values: list[int]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


@pytest.mark.points(4)
def test_deletion_is_independent_per_token(lab):
    """Each token is deleted independently: the deleted count varies like Binomial(n, p), every position has rate p."""
    words = [f"t{i}" for i in range(20)]
    trials = 600
    for p in (0.3, 0.6):
        results = lab.map(lab.random_deletion, [(words, p, seed) for seed in range(trials)])
        kept_sets = [set(as_tokens(out, "random_deletion")) for out in results]
        counts = [len(words) - len(kept) for kept in kept_sets]
        variance, expected = _sample_variance(counts), len(words) * p * (1 - p)
        check(0.6 * expected <= variance <= 1.5 * expected,
              f"random_deletion(p={p}): the number of deleted words does not vary like a Binomial(n, p) count "
              "(delete each word with its own draw, not a fixed number of words)")
        for i, w in enumerate(words):
            deleted = sum(w not in kept for kept in kept_sets)
            check(within(deleted, trials, p), f"random_deletion(p={p}): position {i} is not deleted with probability p")
        both = sum(("t0" not in kept) and ("t1" not in kept) for kept in kept_sets)
        check(within(both, trials, p * p), f"random_deletion(p={p}): neighbouring words are not deleted independently")


@pytest.mark.points(4)
def test_eda_copies_are_independent(lab):
    """The copies of one eda call are drawn independently: same-operation copies differ and vary like separate draws."""
    text = " ".join(f"w{i}" for i in range(20))
    for seed in range(3):
        copies = lab.eda(text, LEXICON, 60, 0.0, 0.0, 0.0, 0.4, seed)
        check(isinstance(copies, list) and len(copies) == 60, "eda(num_aug=60) must return 60 copies")
        check(len(set(copies)) >= 50, "eda: the random-deletion copies of one call are (nearly) all the same")
        counts = [20 - len(copy.split()) for copy in copies]
        variance = _sample_variance(counts)
        check(0.3 * 20 * 0.4 * 0.6 <= variance <= 2.3 * 20 * 0.4 * 0.6,
              "eda: the copies of one call do not vary like independent random deletions")
    sentence = "the quick brown fox jumps over the lazy dog and the happy child reads a good book"
    same_op = 0
    for seed in range(20):
        copies = lab.eda(sentence, LEXICON, 8, 0.2, 0.2, 0.2, 0.2, seed)
        same_op += sum(copies[j] == copies[j + 4] for j in range(4))
    check(same_op <= 8, "eda: copies j and j + 4 (the same operation in one call) are usually identical; each copy needs its own seed")


@pytest.mark.points(3)
def test_dataset_examples_get_their_own_seeds(lab):
    """augment_dataset gives each example its own seed: equal texts get different copies, and the copies are independent."""
    text = "the quick brown fox jumps over the lazy dog and the happy child reads a good book"
    examples = [(text, k) for k in range(6)]
    identical = 0
    for seed in range(5):
        result = lab.augment_dataset(examples, LEXICON, 4, 0.2, 0.2, 0.2, 0.2, seed)
        groups = [tuple(p[0] for p in result[k * 5 + 1 : (k + 1) * 5]) for k in range(6)]
        identical += len(groups) - len(set(groups))
    check(identical <= 2, "augment_dataset: examples with the same text get the same copies (each example needs its own seed)")
    results = [lab.augment_dataset(examples, LEXICON, 4, 0.2, 0.2, 0.2, 0.2, seed) for seed in (11, 12)]
    check(results[0] != results[1], "augment_dataset: two seeds give the same result")


@pytest.mark.points(3)
def test_labels_of_any_type(lab):
    """Labels are never looked at: None, floats, lists, dicts and tuples come back unchanged, as (text, label) tuples."""
    labels = [None, 0.5, [1, 0], {"y": 1, "topic": "film"}, ("pos", 2), "neg", True]
    examples = [("the good movie was not bad", label) for label in labels]
    result = lab.augment_dataset(examples, LEXICON, 2, 0.2, 0.2, 0.2, 0.2, 3, PROTECTED)
    check(isinstance(result, list) and len(result) == len(labels) * 3, "augment_dataset must return len(examples) * (num_aug + 1) pairs")
    for k, label in enumerate(labels):
        for item in result[k * 3 : (k + 1) * 3]:
            check(isinstance(item, tuple) and len(item) == 2, "each item of augment_dataset must be a (text, label) tuple")
            check(item[1] == label and type(item[1]) is type(label), f"example {k}: a label of type {type(label).__name__} changed")
        check(result[k * 3][0] == examples[k][0], f"example {k}: the original text must come first")
    assert_equal(lab.augment_dataset([], LEXICON, 3), [], what="augment_dataset of no examples")
    assert_equal(lab.augment_dataset(examples[:2], LEXICON, 0), [tuple(e) for e in examples[:2]], what="augment_dataset with num_aug=0")


#: Non-ASCII and capitalised words: lookups are exact and case-sensitive.
UNICODE_LEXICON = {"café": ["bistro", "brasserie"], "naïve": ["ingénue"], "straße": ["gasse", "weg"], "good": ["fine"], "Ünïcode": ["ü"]}


@pytest.mark.points(3)
def test_non_ascii_and_case_sensitive_lookups(lab):
    """Non-ASCII words are looked up like any other; 'Good' is not 'good' (no lower-casing)."""
    words = ["Café", "café", "naïve", "Straße", "straße", "GOOD", "Good", "good", "Ünïcode"]
    eligible = [1, 2, 4, 7, 8]
    results = lab.map(lab.synonym_replacement, [(words, 9, UNICODE_LEXICON, seed) for seed in range(20)])
    for seed, out in enumerate(results):
        check_replacement(words, out, 9, UNICODE_LEXICON, (), f"synonym_replacement of non-ASCII words (seed={seed})")
        check(changed_positions(words, out) == eligible, "synonym_replacement: only exact (case-sensitive) lexicon words are eligible")
    results = lab.map(lab.random_insertion, [(words, 3, UNICODE_LEXICON, seed) for seed in range(20)])
    for seed, out in enumerate(results):
        check_insertion(words, out, 3, UNICODE_LEXICON, (), f"random_insertion of non-ASCII words (seed={seed})")
    check(lab.synonyms_of("Café", UNICODE_LEXICON) == [], "synonyms_of('Café'): lookups are case-sensitive")
    copies = lab.eda("Café  naïve\tstraße", UNICODE_LEXICON, 4, 0.5, 0.5, 0.5, 0.5, 1)
    check(all(isinstance(c, str) and "\t" not in c and "  " not in c for c in copies), "eda joins tokens with one space")


@pytest.mark.points(3)
def test_any_sequence_and_collection_types(lab):
    """words may be a tuple, protected any collection (set, tuple, frozenset) and lexicon lists tuples; results are new lists."""
    words = ("not", "the", "quick", "dog", "reads", "a", "big", "book", "Alice")
    lexicon = {w: tuple(syns) for w, syns in LEXICON.items()}
    for protected in (set(PROTECTED), tuple(PROTECTED), frozenset(PROTECTED)):
        for seed in range(5):
            out = lab.synonym_replacement(words, 3, lexicon, seed, protected)
            check(isinstance(out, list), "synonym_replacement must return a list")
            check_replacement(list(words), out, 3, LEXICON, set(PROTECTED), f"synonym_replacement with a tuple and {type(protected).__name__}")
            out = lab.random_insertion(words, 2, lexicon, seed, protected)
            check(isinstance(out, list), "random_insertion must return a list")
            check_insertion(list(words), out, 2, LEXICON, set(PROTECTED), f"random_insertion with a tuple and {type(protected).__name__}")
            out = lab.random_swap(words, 2, seed, protected)
            check(isinstance(out, list), "random_swap must return a list")
            check_swap(list(words), out, 2, set(PROTECTED), f"random_swap with a tuple and {type(protected).__name__}")
            out = lab.random_deletion(words, 0.5, seed, protected)
            check(isinstance(out, list), "random_deletion must return a list")
            check_deletion(list(words), out, set(PROTECTED), f"random_deletion with a tuple and {type(protected).__name__}")
    check(lab.synonyms_of("big", {"big": ("large", "big", "huge")}) == ["large", "huge"], "synonyms_of with a tuple of synonyms")
    check(lab.random_deletion(("one",), 1.0, 0) == ["one"], "random_deletion of a one-word tuple returns a list")


@pytest.mark.points(2)
def test_insertion_sources_count_every_occurrence(lab):
    """A word that occurs twice is two sources; words inserted earlier are never sources."""
    words = ["fox", "fox", "happy"]
    trials = 1500
    results = lab.map(lab.random_insertion, [(words, 1, LEXICON, seed) for seed in range(trials)])
    vixen = sum(as_tokens(out, "random_insertion").count("vixen") for out in results)
    check(within(vixen, trials, 2 / 3), "random_insertion: a word that occurs twice should be picked as the source twice as often")
    for seed, out in enumerate(lab.map(lab.random_insertion, [(["quick"], 12, LEXICON, seed) for seed in range(40)])):
        out = as_tokens(out, "random_insertion")
        check(out.count("quick") == 1, f"random_insertion(['quick'], 12, seed={seed}): a synonym of an inserted word was inserted")


@pytest.mark.points(3)
def test_rate_and_count_errors(lab):
    """num_changes, eda and augment_dataset reject negative inputs and p_rd > 1; the edge values (0, p_rd = 1, alpha > 1) work."""
    assert_equal(lab.num_changes(0.0, 0), 0, what="num_changes(0.0, 0)")
    assert_equal(lab.num_changes(0.5, 0), 1, what="num_changes(0.5, 0)")
    assert_equal(lab.num_changes(1.5, 4), 6, what="num_changes(1.5, 4)")
    for alpha, n in ((-0.1, 10), (0.1, -1), (-1.0, -1)):
        with pytest.raises(ValueError):
            lab.num_changes(alpha, n)
    text = "Alice was not happy with the old movie and the dog"
    for rates in ((0.0, 0.0, 0.0, 1.0), (1.5, 0.0, 0.0, 0.0), (0.0, 2.0, 0.0, 0.0), (0.0, 0.0, 1.5, 0.0)):
        copies = lab.eda(text, LEXICON, 3, *rates, 1, PROTECTED)
        check(isinstance(copies, list) and len(copies) == 3, f"eda with rates {rates} (allowed) must return 3 copies")
        ops = active_ops(rates)
        for j, copy in enumerate(copies):
            check_copy(ops[j % len(ops)], text.split(), copy, rates, LEXICON, set(PROTECTED), f"eda copy {j} with rates {rates}")
        dataset = lab.augment_dataset([(text, 1)], LEXICON, 2, *rates, 1, PROTECTED)
        check(len(dataset) == 3, f"augment_dataset with rates {rates} (allowed) must return 3 pairs")
    bad = [dict(alpha_sr=-0.1), dict(alpha_ri=-0.1), dict(alpha_rs=-0.1), dict(p_rd=-0.1), dict(p_rd=1.01), dict(num_aug=-1),
           dict(alpha_sr=0.0, alpha_ri=0.0, alpha_rs=0.0, p_rd=0.0)]
    for kwargs in bad:
        with pytest.raises(ValueError):
            lab.eda(text, LEXICON, **kwargs)
        with pytest.raises(ValueError):
            lab.augment_dataset([(text, 1)], LEXICON, **kwargs)
    # the arguments are checked before any work: also with no copies to make, or no examples
    assert_equal(lab.eda(text, LEXICON, 0, 0.0, 0.0, 0.0, 1.0), [], what="eda with num_aug=0 and p_rd=1")
    assert_equal(lab.augment_dataset([], LEXICON, 2, 0.0, 0.0, 0.0, 1.0), [], what="augment_dataset of no examples")
    for kwargs in bad:
        with pytest.raises(ValueError):
            lab.eda(text, LEXICON, **{"num_aug": 0, **kwargs})
        with pytest.raises(ValueError):
            lab.augment_dataset([], LEXICON, **kwargs)


@pytest.mark.points(2)
def test_eda_and_dataset_defaults(lab):
    """The documented defaults: num_aug = 4, every rate 0.1, seed = 0."""
    text = " ".join(CONTENT[:20])
    words = text.split()
    copies = lab.eda(text, LEXICON)
    check(isinstance(copies, list) and len(copies) == 4, "eda with the default num_aug must return 4 copies")
    rates = (0.1, 0.1, 0.1, 0.1)
    for j, copy in enumerate(copies):
        check_copy(("sr", "ri", "rs", "rd")[j], words, copy, rates, LEXICON, (), f"eda copy {j} with the default rates")
    check(copies == lab.eda(text, LEXICON, seed=0), "eda without a seed must be eda(..., seed=0)")
    result = lab.augment_dataset([(text, "x")], LEXICON)
    check(isinstance(result, list) and len(result) == 5, "augment_dataset with the default num_aug must return 5 pairs per example")
    for j, (copy, label) in enumerate(result[1:]):
        check_copy(("sr", "ri", "rs", "rd")[j], words, copy, rates, LEXICON, (), f"augment_dataset copy {j} with the default rates")
    check(result == lab.augment_dataset([(text, "x")], LEXICON, seed=0), "augment_dataset without a seed must be augment_dataset(..., seed=0)")


@pytest.mark.points(2)
def test_dataset_seeds_come_from_a_large_range(lab):
    """200 copies of one example get 200 different seeds (not a handful reused): their copies are nearly all different."""
    text = " ".join(f"w{i}" for i in range(30))
    result = lab.augment_dataset([(text, 0)] * 200, LEXICON, 2, 0.0, 0.0, 0.0, 0.5, 7)
    check(isinstance(result, list) and len(result) == 600, "augment_dataset must return len(examples) * (num_aug + 1) pairs")
    groups = {tuple(p[0] for p in result[k * 3 + 1 : (k + 1) * 3]) for k in range(200)}
    check(len(groups) >= 190, f"augment_dataset: 200 equal examples got only {len(groups)} different sets of copies")
