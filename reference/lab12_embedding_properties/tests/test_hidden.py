"""Hidden tests for lab 12 (properties of word embeddings).

Every embedding is generated here from a seeded random generator. Files are
written in the runner (by gensim's ``save_word2vec_format`` or by hand, in the
style of the original C tool and of GloVe) and handed to the student's code
with ``lab.put_file``. Oracles: gensim ``KeyedVectors`` (loading,
``most_similar``, ``most_similar_cosmul``), ``scipy.stats.spearmanr``, and a
direct numpy implementation of the WEAT formulas with exact enumeration of
the splits.
"""

from __future__ import annotations

import math
from itertools import combinations, product

import numpy as np
import pytest
from gensim.models import KeyedVectors
from scipy.stats import spearmanr

from autograder.testing import assert_close, assert_equal, check

SYLLABLES = ("ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "du", "zi", "ha")
UNICODE_WORDS = ("café", "naïve", "straße", "東京", "москва", "ｆｕｌｌ")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim's most_similar_cosmul calls init_sims

SCORE_TOL = dict(atol=1e-5, rtol=1e-5)  # gensim computes in float32


# ---- embeddings and oracles ---------------------------------------------------------------------------------


def make_embedding(n: int, dim: int, seed: int) -> tuple[list[str], np.ndarray]:
    """n pseudo-words (a few non-ASCII) with standard normal float32 vectors."""
    words = ["".join(p) for p in product(SYLLABLES, repeat=3)][: n - len(UNICODE_WORDS)]
    words[5:5] = UNICODE_WORDS
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return words, vectors


def keyed_vectors(words, vectors) -> KeyedVectors:
    kv = KeyedVectors(vector_size=vectors.shape[1])
    kv.add_vectors(words, vectors)
    return kv


def check_embedding(result, words, vectors, what: str) -> None:
    check(isinstance(result, (tuple, list)) and len(result) == 2, f"{what} must return a pair (words, vectors)")
    got_words, got_vectors = result
    assert_equal(list(got_words), list(words), what=f"the words read by {what}")
    check(isinstance(got_vectors, np.ndarray), f"{what} must return the vectors as a numpy array")
    check(got_vectors.dtype == np.float32, f"{what} must return float32 vectors")
    assert_close(got_vectors, vectors, atol=0, rtol=1e-6, what=f"the vectors read by {what}")


def check_ranked(got, expected, what: str) -> None:
    """A list of (word, score) pairs: same words in the same order, scores close."""
    check(isinstance(got, list), f"{what} must return a list of (word, score) tuples")
    check(all(len(item) == 2 for item in got), f"{what} must return a list of (word, score) tuples")
    assert_equal([w for w, _ in got], [w for w, _ in expected], what=f"the words returned by {what}")
    assert_close([float(s) for _, s in got], [s for _, s in expected], **SCORE_TOL, what=f"the scores returned by {what}")


# ---- readers --------------------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_read_word2vec_text_matches_gensim(lab, tmp_path):
    """read_word2vec_text reads a file written by gensim's save_word2vec_format(binary=False)."""
    words, vectors = make_embedding(60, 7, seed=1)
    path = tmp_path / "gensim_vectors.txt"
    keyed_vectors(words, vectors).save_word2vec_format(str(path), binary=False)
    oracle = KeyedVectors.load_word2vec_format(str(path), binary=False)
    check_embedding(lab.read_word2vec_text(lab.put_file(path)), oracle.index_to_key, oracle.vectors, "read_word2vec_text")


@pytest.mark.points(3)
def test_read_word2vec_text_c_tool_style(lab, tmp_path):
    """read_word2vec_text accepts trailing spaces and a blank last line (the C tool's layout)."""
    words, vectors = make_embedding(25, 5, seed=2)
    lines = [f"{len(words)} {vectors.shape[1]}"]
    lines += [f"{w} " + " ".join(f"{v:.6f}" for v in row) + " " for w, row in zip(words, vectors)]
    path = tmp_path / "c_style_vectors.txt"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    oracle = KeyedVectors.load_word2vec_format(str(path), binary=False)
    check_embedding(lab.read_word2vec_text(lab.put_file(path)), oracle.index_to_key, oracle.vectors, "read_word2vec_text")


@pytest.mark.points(5)
def test_read_word2vec_binary_matches_gensim(lab, tmp_path):
    """read_word2vec_binary reads a file written by gensim (no newline after each vector)."""
    words, vectors = make_embedding(80, 9, seed=3)
    path = tmp_path / "gensim_vectors.bin"
    keyed_vectors(words, vectors).save_word2vec_format(str(path), binary=True)
    oracle = KeyedVectors.load_word2vec_format(str(path), binary=True)
    check_embedding(lab.read_word2vec_binary(lab.put_file(path)), oracle.index_to_key, oracle.vectors, "read_word2vec_binary")


@pytest.mark.points(3)
def test_read_word2vec_binary_c_tool_style(lab, tmp_path):
    """read_word2vec_binary skips the newline the C tool writes after each vector."""
    words, vectors = make_embedding(70, 6, seed=4)
    body = b"".join(w.encode("utf-8") + b" " + row.astype("<f4").tobytes() + b"\n" for w, row in zip(words, vectors))
    path = tmp_path / "c_style_vectors.bin"
    path.write_bytes(f"{len(words)} {vectors.shape[1]}\n".encode() + body)
    oracle = KeyedVectors.load_word2vec_format(str(path), binary=True)
    check_embedding(lab.read_word2vec_binary(lab.put_file(path)), oracle.index_to_key, oracle.vectors, "read_word2vec_binary")


@pytest.mark.points(4)
def test_read_glove_matches_gensim(lab, tmp_path):
    """read_glove reads a header-less GloVe file (every line is a word and its vector)."""
    words, vectors = make_embedding(50, 8, seed=5)
    path = tmp_path / "glove_vectors.txt"
    path.write_text("".join(f"{w} " + " ".join(f"{v:.5f}" for v in row) + "\n" for w, row in zip(words, vectors)), encoding="utf-8")
    oracle = KeyedVectors.load_word2vec_format(str(path), binary=False, no_header=True)
    check_embedding(lab.read_glove(lab.put_file(path)), oracle.index_to_key, oracle.vectors, "read_glove")


@pytest.mark.points(3)
def test_readers_reject_malformed_files(lab, tmp_path):
    """The readers raise ValueError for a bad header, a wrong count, a short line or a truncated file."""
    cases = {
        "bad_header.txt": (lab.read_word2vec_text, "three 2\na 1 2\nb 3 4\nc 5 6\n"),
        "too_few_rows.txt": (lab.read_word2vec_text, "3 2\na 1 2\nb 3 4\n"),
        "short_line.txt": (lab.read_word2vec_text, "2 3\na 1 2 3\nb 4 5\n"),
        "ragged.glove": (lab.read_glove, "a 1 2 3\nb 4 5 6\nc 7 8\n"),
    }
    for name, (reader, text) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError):
            reader(lab.put_file(path))
    words, vectors = make_embedding(10, 4, seed=6)
    full = tmp_path / "full.bin"
    keyed_vectors(words, vectors).save_word2vec_format(str(full), binary=True)
    truncated = tmp_path / "truncated.bin"
    truncated.write_bytes(full.read_bytes()[:-5])
    with pytest.raises(ValueError):
        lab.read_word2vec_binary(lab.put_file(truncated))


# ---- nearest neighbours --------------------------------------------------------------------------------------


@pytest.mark.points(8)
def test_nearest_neighbours_match_gensim(lab):
    """nearest_neighbours gives the same top-k words and cosines as gensim's most_similar."""
    words, vectors = make_embedding(400, 20, seed=7)
    kv = keyed_vectors(words, vectors)
    queries = [(words[i], k) for i, k in ((0, 10), (5, 10), (9, 3), (77, 10), (200, 1), (399, 25))]
    results = lab.map(lab.nearest_neighbours, [(words, vectors, word, k) for word, k in queries])
    for (word, k), got in zip(queries, results):
        check_ranked(got, kv.most_similar(word, topn=k), f"nearest_neighbours(..., {word!r}, k={k})")


@pytest.mark.points(3)
def test_nearest_neighbours_use_cosine_exclude_query_and_break_ties(lab):
    """nearest_neighbours ignores vector length, leaves out the query word, breaks ties by word order."""
    words = ["apple", "berry", "cherry", "date", "elder", "fig"]
    vectors = np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [4, 0, 0], [0.5, 0, 0], [-1, 0, 0]], dtype=np.float32)
    r = 1 / math.sqrt(2)
    expected = [("apple", 1.0), ("elder", 1.0), ("berry", r), ("cherry", r), ("fig", -1.0)]
    check_ranked(lab.nearest_neighbours(words, vectors, "date", 10), expected, "nearest_neighbours(..., 'date', k=10)")
    check_ranked(lab.nearest_neighbours(words, vectors, "date", 3), expected[:3], "nearest_neighbours(..., 'date', k=3)")


@pytest.mark.points(2)
def test_nearest_neighbours_errors(lab):
    """nearest_neighbours raises KeyError for an unknown word and ValueError for k < 1."""
    words, vectors = make_embedding(20, 4, seed=8)
    with pytest.raises(KeyError):
        lab.nearest_neighbours(words, vectors, "not-a-word", 5)
    with pytest.raises(ValueError):
        lab.nearest_neighbours(words, vectors, words[0], 0)


# ---- analogies ---------------------------------------------------------------------------------------------------


def analogy_questions(words, seed: int, count: int = 8) -> list[tuple[str, str, str]]:
    rng = np.random.default_rng(seed)
    return [tuple(words[i] for i in rng.choice(len(words), size=3, replace=False)) for _ in range(count)]


@pytest.mark.parametrize(
    "method, oracle",
    [
        pytest.param("3cosadd", "most_similar", id="3cosadd", marks=pytest.mark.points(9)),
        pytest.param("3cosmul", "most_similar_cosmul", id="3cosmul", marks=pytest.mark.points(9)),
    ],
)
def test_analogy_matches_gensim(lab, method, oracle):
    """analogy(a, b, c) gives the same answers and scores as gensim (positive=[b, c], negative=[a])."""
    words, vectors = make_embedding(300, 12, seed=9)
    kv = keyed_vectors(words, vectors)
    questions = analogy_questions(words, seed=10)
    ks = [1, 5, 5, 10, 3, 5, 5, 20]
    results = lab.map(lab.analogy, [(words, vectors, a, b, c, k, method) for (a, b, c), k in zip(questions, ks)])
    for (a, b, c), k, got in zip(questions, ks, results):
        expected = getattr(kv, oracle)(positive=[b, c], negative=[a], topn=k)
        check_ranked(got, expected, f"analogy({a!r}, {b!r}, {c!r}, k={k}, method={method!r})")


@pytest.mark.points(4)
def test_analogy_excludes_query_words(lab):
    """analogy never answers a, b or c, with either method, and returns every other word when k is large."""
    words, vectors = make_embedding(40, 50, seed=11)  # random high-dim vectors: b and c are closest to b - a + c
    for a, b, c in analogy_questions(words, seed=12, count=3):
        for method in ("3cosadd", "3cosmul"):
            got = lab.analogy(words, vectors, a, b, c, 100, method)
            answers = [w for w, _ in got]
            check(not {a, b, c} & set(answers), f"analogy(..., method={method!r}) returned one of the query words")
            check(sorted(answers) == sorted(set(words) - {a, b, c}), f"analogy(..., k=100, method={method!r}) must return every other word once")


@pytest.mark.points(2)
def test_analogy_errors(lab):
    """analogy raises KeyError for an unknown word and ValueError for an unknown method."""
    words, vectors = make_embedding(20, 4, seed=13)
    with pytest.raises(KeyError):
        lab.analogy(words, vectors, words[0], "not-a-word", words[1], 1, "3cosadd")
    with pytest.raises(ValueError):
        lab.analogy(words, vectors, words[0], words[1], words[2], 1, "3cosdiv")


# ---- Spearman and word similarity ----------------------------------------------------------------------------


@pytest.mark.points(5)
def test_spearman_matches_scipy(lab):
    """spearman_correlation equals scipy.stats.spearmanr on data without ties."""
    rng = np.random.default_rng(14)
    cases = []
    for n, noise in ((5, 1.0), (30, 0.5), (200, 2.0), (50, -1.0)):
        x = rng.standard_normal(n)
        cases.append((x, np.exp(x) * np.sign(noise) + abs(noise) * rng.standard_normal(n)))
    results = lab.map(lab.spearman_correlation, [(x.tolist(), y.tolist()) for x, y in cases])
    for (x, y), got in zip(cases, results):
        assert_close(got, spearmanr(x, y).statistic, atol=1e-12, rtol=0, what=f"spearman_correlation of {len(x)} values")


@pytest.mark.points(5)
def test_spearman_with_ties_matches_scipy(lab):
    """spearman_correlation gives tied values their average rank, as scipy does."""
    rng = np.random.default_rng(15)
    cases = [([5, 7, 7, 9, 1], [2, 3, 1, 3, 0])]
    for n in (12, 60):
        x = rng.integers(0, 5, n)
        cases.append((x.tolist(), (x + rng.integers(0, 4, n)).tolist()))
    results = lab.map(lab.spearman_correlation, cases)
    for (x, y), got in zip(cases, results):
        assert_close(got, spearmanr(x, y).statistic, atol=1e-12, rtol=0, what=f"spearman_correlation of {len(x)} values with ties")


@pytest.mark.points(2)
def test_spearman_edge_cases(lab):
    """spearman_correlation is nan for a constant input and raises ValueError for bad lengths."""
    check(math.isnan(lab.spearman_correlation([1.0, 2.0, 3.0], [4.0, 4.0, 4.0])), "a constant sequence must give nan")
    with pytest.raises(ValueError):
        lab.spearman_correlation([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        lab.spearman_correlation([1.0], [2.0])


def similarity_set(words, vectors, seed: int):
    """60 in-vocabulary pairs whose 'human' scores (0-10, in steps of 0.5, so with ties)
    follow the cosine with noise, mixed with 9 out-of-vocabulary pairs."""
    rng = np.random.default_rng(seed)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    pairs = []
    for i, j in (rng.choice(len(words), size=2, replace=False) for _ in range(60)):
        human = np.clip(5 + 8 * unit[i] @ unit[j] + rng.normal(0, 1.5), 0, 10)
        pairs.append((words[i], words[j], float(np.round(human * 2) / 2)))
    oov = [("zebra", words[0], 7.0), (words[1], "yak", 2.5), ("zebra", "yak", 5.0), (words[2].upper(), words[3], 6.0)]
    oov += [(words[k], f"{words[k]}s", 9.0) for k in range(4, 9)]
    for pair in oov:
        pairs.insert(int(rng.integers(0, len(pairs) + 1)), pair)
    return pairs, len(oov)


@pytest.mark.points(6)
def test_evaluate_similarity_spearman(lab):
    """evaluate_similarity's rho equals scipy's Spearman of cosines vs human scores over the in-vocabulary pairs."""
    words, vectors = make_embedding(200, 16, seed=16)
    pairs, _ = similarity_set(words, vectors, seed=17)
    known = set(words)
    used = [(w1, w2, s) for w1, w2, s in pairs if w1 in known and w2 in known]
    unit = {w: v / np.linalg.norm(v) for w, v in zip(words, vectors.astype(np.float64))}
    expected = spearmanr([unit[w1] @ unit[w2] for w1, w2, _ in used], [s for _, _, s in used]).statistic
    got = lab.evaluate_similarity(words, vectors, pairs)
    check(isinstance(got, dict) and "spearman" in got, "evaluate_similarity must return a dict with a 'spearman' key")
    assert_close(got["spearman"], expected, atol=1e-9, rtol=0, what="the Spearman correlation")


@pytest.mark.points(3)
def test_evaluate_similarity_counts_oov_pairs(lab):
    """evaluate_similarity skips and counts pairs with an out-of-vocabulary word (case-sensitive)."""
    words, vectors = make_embedding(200, 16, seed=18)
    pairs, n_oov = similarity_set(words, vectors, seed=19)
    got = lab.evaluate_similarity(words, vectors, pairs)
    check(isinstance(got, dict), "evaluate_similarity must return a dict")
    assert_equal(got.get("pairs_used"), len(pairs) - n_oov, what="pairs_used")
    assert_equal(got.get("pairs_skipped"), n_oov, what="pairs_skipped")
    few = lab.evaluate_similarity(words, vectors, [(words[0], words[1], 3.0), ("zebra", "yak", 1.0)])
    check(math.isnan(few["spearman"]), "with fewer than 2 usable pairs the correlation must be nan")


# ---- WEAT ------------------------------------------------------------------------------------------------------

FLOWERS = ["rose", "tulip", "daisy", "lily", "orchid", "violet", "iris"]
INSECTS = ["ant", "wasp", "moth", "flea", "gnat", "tick", "roach"]
INSTRUMENTS = ["guitar", "piano", "drum", "flute", "harp", "cello", "horn"]
WEAPONS = ["sword", "spear", "rifle", "bomb", "knife", "arrow", "club"]
PLEASANT = ["joy", "love", "peace", "gift", "happy"]
UNPLEASANT = ["pain", "hate", "war", "grief", "ugly", "filth"]


def weat_embedding() -> tuple[list[str], np.ndarray]:
    """Random vectors plus a 'pleasantness' direction: flowers lean strongly to
    the pleasant words and insects away from them; instruments and weapons barely."""
    words, vectors = make_embedding(60, 10, seed=20)
    lean = {**dict.fromkeys(FLOWERS, 1.0), **dict.fromkeys(INSECTS, -1.0), **dict.fromkeys(INSTRUMENTS, 0.15),
            **dict.fromkeys(WEAPONS, -0.15), **dict.fromkeys(PLEASANT, 2.0), **dict.fromkeys(UNPLEASANT, -2.0)}
    extra = list(lean)
    rng = np.random.default_rng(21)
    extra_vectors = rng.standard_normal((len(extra), 10))
    extra_vectors[:, 0] += [lean[w] for w in extra]
    return words + extra, np.vstack([vectors, extra_vectors.astype(np.float32)])


def weat_oracle(words, vectors, X, Y, A, B) -> dict:
    """Caliskan et al. (2017), written out directly; exact p-value over all splits."""
    unit = {w: v / np.linalg.norm(v) for w, v in zip(words, vectors.astype(np.float64))}

    def s(w):
        return np.mean([unit[w] @ unit[a] for a in A]) - np.mean([unit[w] @ unit[b] for b in B])

    sx, sy = [s(x) for x in X], [s(y) for y in Y]
    both = sx + sy
    statistic = sum(sx) - sum(sy)
    splits = list(combinations(range(len(both)), len(X)))
    split_stats = [2 * sum(both[i] for i in split) - sum(both) for split in splits]
    return {
        "effect_size": (np.mean(sx) - np.mean(sy)) / np.std(both, ddof=1),
        "statistic": statistic,
        "p_value": np.mean([t >= statistic for t in split_stats]),
        "splits": len(splits),
    }


WEAT_CASES = {
    "flowers_insects": (FLOWERS, INSECTS),
    "insects_flowers": (INSECTS, FLOWERS),
    "instruments_weapons": (INSTRUMENTS, WEAPONS),
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param("flowers_insects", marks=pytest.mark.points(3)),
        pytest.param("insects_flowers", marks=pytest.mark.points(3)),
        pytest.param("instruments_weapons", marks=pytest.mark.points(2)),
    ],
)
def test_weat_effect_size_and_statistic(lab, case):
    """weat's effect size (sample std over X ∪ Y) and test statistic match the formulas of Caliskan et al."""
    words, vectors = weat_embedding()
    X, Y = WEAT_CASES[case]
    expected = weat_oracle(words, vectors, X, Y, PLEASANT, UNPLEASANT)
    got = lab.weat(words, vectors, X, Y, PLEASANT, UNPLEASANT, 20, 0)
    check(isinstance(got, dict), "weat must return a dict")
    assert_close(got.get("effect_size"), expected["effect_size"], atol=1e-6, rtol=1e-6, what="the effect size")
    assert_close(got.get("statistic"), expected["statistic"], atol=1e-6, rtol=1e-6, what="the test statistic")


@pytest.mark.parametrize(
    "case, n",
    [
        pytest.param("flowers_insects", 4, marks=pytest.mark.points(3)),
        pytest.param("instruments_weapons", 5, marks=pytest.mark.points(3)),
    ],
)
def test_weat_exact_p_value(lab, case, n):
    """weat(permutations=None) enumerates every split: its one-sided p-value matches the exact one."""
    words, vectors = weat_embedding()
    X, Y = (group[:n] for group in WEAT_CASES[case])
    expected = weat_oracle(words, vectors, X, Y, PLEASANT, UNPLEASANT)
    got = lab.weat(words, vectors, X, Y, PLEASANT, UNPLEASANT, None, 0)
    # one split of slack: rounding may decide whether the observed split counts itself
    assert_close(got["p_value"], expected["p_value"], atol=1 / expected["splits"] + 1e-9, rtol=0, what="the exact p-value")


@pytest.mark.points(4)
def test_weat_sampled_p_value(lab):
    """weat(permutations=m, seed) estimates the exact p-value within sampling error, reproducibly per seed."""
    words, vectors = weat_embedding()
    X, Y = INSTRUMENTS, WEAPONS
    expected = weat_oracle(words, vectors, X, Y, PLEASANT, UNPLEASANT)["p_value"]
    m = 4000
    first, again = lab.map(lab.weat, [(words, vectors, X, Y, PLEASANT, UNPLEASANT, m, 3)] * 2)
    bound = 5 * math.sqrt(expected * (1 - expected) / m) + 2 / m
    check(abs(first["p_value"] - expected) <= bound, "the sampled p-value is too far from the exact p-value")
    assert_equal(again["p_value"], first["p_value"], what="the p-value of a second call with the same seed")


@pytest.mark.points(2)
def test_weat_errors(lab):
    """weat raises ValueError for target sets of different sizes and KeyError for an unknown word."""
    words, vectors = weat_embedding()
    with pytest.raises(ValueError):
        lab.weat(words, vectors, FLOWERS, INSECTS[:-1], PLEASANT, UNPLEASANT, None, 0)
    with pytest.raises(KeyError):
        lab.weat(words, vectors, FLOWERS[:3], INSECTS[:3], PLEASANT + ["not-a-word"], UNPLEASANT, None, 0)
