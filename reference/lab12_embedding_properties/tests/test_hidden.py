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
ANALOGY_METHODS = ("3cosadd", "3cosmul")
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


@pytest.mark.points(3)
def test_read_word2vec_text_matches_gensim(lab, tmp_path):
    """read_word2vec_text reads a file written by gensim's save_word2vec_format(binary=False)."""
    words, vectors = make_embedding(60, 7, seed=1)
    path = tmp_path / "gensim_vectors.txt"
    keyed_vectors(words, vectors).save_word2vec_format(str(path), binary=False)
    oracle = KeyedVectors.load_word2vec_format(str(path), binary=False)
    check_embedding(lab.read_word2vec_text(lab.put_file(path)), oracle.index_to_key, oracle.vectors, "read_word2vec_text")


@pytest.mark.points(2)
def test_read_word2vec_text_c_tool_style(lab, tmp_path):
    """read_word2vec_text accepts trailing spaces and a blank last line (the C tool's layout)."""
    words, vectors = make_embedding(25, 5, seed=2)
    lines = [f"{len(words)} {vectors.shape[1]}"]
    lines += [f"{w} " + " ".join(f"{v:.6f}" for v in row) + " " for w, row in zip(words, vectors)]
    path = tmp_path / "c_style_vectors.txt"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    oracle = KeyedVectors.load_word2vec_format(str(path), binary=False)
    check_embedding(lab.read_word2vec_text(lab.put_file(path)), oracle.index_to_key, oracle.vectors, "read_word2vec_text")


@pytest.mark.points(4)
def test_read_word2vec_binary_matches_gensim(lab, tmp_path):
    """read_word2vec_binary reads a file written by gensim (no newline after each vector)."""
    words, vectors = make_embedding(80, 9, seed=3)
    path = tmp_path / "gensim_vectors.bin"
    keyed_vectors(words, vectors).save_word2vec_format(str(path), binary=True)
    oracle = KeyedVectors.load_word2vec_format(str(path), binary=True)
    check_embedding(lab.read_word2vec_binary(lab.put_file(path)), oracle.index_to_key, oracle.vectors, "read_word2vec_binary")


@pytest.mark.points(2)
def test_read_word2vec_binary_c_tool_style(lab, tmp_path):
    """read_word2vec_binary skips the newline the C tool writes after each vector."""
    words, vectors = make_embedding(70, 6, seed=4)
    body = b"".join(w.encode("utf-8") + b" " + row.astype("<f4").tobytes() + b"\n" for w, row in zip(words, vectors))
    path = tmp_path / "c_style_vectors.bin"
    path.write_bytes(f"{len(words)} {vectors.shape[1]}\n".encode() + body)
    oracle = KeyedVectors.load_word2vec_format(str(path), binary=True)
    check_embedding(lab.read_word2vec_binary(lab.put_file(path)), oracle.index_to_key, oracle.vectors, "read_word2vec_binary")


@pytest.mark.points(3)
def test_read_glove_matches_gensim(lab, tmp_path):
    """read_glove reads a header-less GloVe file (every line is a word and its vector)."""
    words, vectors = make_embedding(50, 8, seed=5)
    path = tmp_path / "glove_vectors.txt"
    path.write_text("".join(f"{w} " + " ".join(f"{v:.5f}" for v in row) + "\n" for w, row in zip(words, vectors)), encoding="utf-8")
    oracle = KeyedVectors.load_word2vec_format(str(path), binary=False, no_header=True)
    check_embedding(lab.read_glove(lab.put_file(path)), oracle.index_to_key, oracle.vectors, "read_glove")


@pytest.mark.points(3)
def test_readers_reject_malformed_files(lab, tmp_path):
    """The readers raise ValueError for a bad header, a wrong count, a short or long line, a ragged or empty GloVe file
    or a truncated binary file, and read the well-formed file next to each."""
    text_ok = "3 2\na 1 2\nb 3 4\nc 5 6\n"
    cases = {
        "bad_header.txt": (lab.read_word2vec_text, text_ok, "three 2\na 1 2\nb 3 4\nc 5 6\n"),
        "one_field_header.txt": (lab.read_word2vec_text, text_ok, "3\na 1 2\nb 3 4\nc 5 6\n"),
        "three_field_header.txt": (lab.read_word2vec_text, text_ok, "3 2 1\na 1 2\nb 3 4\nc 5 6\n"),
        "negative_header.txt": (lab.read_word2vec_text, text_ok, "-3 2\na 1 2\nb 3 4\nc 5 6\n"),
        "zero_dim_header.txt": (lab.read_word2vec_text, "2 1\na 1\nb 2\n", "2 0\na\nb\n"),
        "too_few_rows.txt": (lab.read_word2vec_text, text_ok, "3 2\na 1 2\nb 3 4\n"),
        "too_many_rows.txt": (lab.read_word2vec_text, text_ok, "3 2\na 1 2\nb 3 4\nc 5 6\nd 7 8\n"),
        "short_line.txt": (lab.read_word2vec_text, "2 3\na 1 2 3\nb 4 5 6\n", "2 3\na 1 2 3\nb 4 5\n"),
        "long_line.txt": (lab.read_word2vec_text, "2 3\na 1 2 3\nb 4 5 6\n", "2 3\na 1 2 3\nb 4 5 6 7\n"),
        "ragged.glove": (lab.read_glove, "a 1 2 3\nb 4 5 6\nc 7 8 9\n", "a 1 2 3\nb 4 5 6\nc 7 8\n"),
        "longer.glove": (lab.read_glove, "a 1 2\nb 4 5\n", "a 1 2\nb 4 5 6\n"),
        "empty.glove": (lab.read_glove, "a 1\n", ""),
        "blank.glove": (lab.read_glove, "\na 1\n\n", "\n\n"),
        "no_values.glove": (lab.read_glove, "a 1\nb 2\n", "a\nb\n"),
    }
    for name, (reader, good, bad) in cases.items():
        good_path, bad_path = tmp_path / f"ok_{name}", tmp_path / name
        good_path.write_text(good, encoding="utf-8")
        bad_path.write_text(bad, encoding="utf-8")
        try:
            reader(lab.put_file(good_path))
        except Exception as error:  # noqa: BLE001 - a well-formed file must be read
            pytest.fail(f"reading a well-formed file (next to the case {name}) raised {type(error).__name__}")
        with pytest.raises(ValueError):
            reader(lab.put_file(bad_path))
            pytest.fail(f"no ValueError for {name}")
    words, vectors = make_embedding(10, 4, seed=6)
    full = tmp_path / "full.bin"
    keyed_vectors(words, vectors).save_word2vec_format(str(full), binary=True)
    data = full.read_bytes()
    check_embedding(lab.read_word2vec_binary(lab.put_file(full)), words, vectors, "read_word2vec_binary")
    header_end = data.index(b"\n") + 1
    bad_binaries = {
        "truncated.bin": data[:-5],  # inside the last vector
        "missing_entry.bin": data[: len(data) - (len(words[-1].encode()) + 1 + 16)],  # one entry short
        "bad_header.bin": b"ten 4\n" + data[header_end:],
        "no_header_end.bin": b"10 4",
    }
    for name, content in bad_binaries.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ValueError):
            lab.read_word2vec_binary(lab.put_file(path))
            pytest.fail(f"no ValueError for {name}")


# ---- nearest neighbours --------------------------------------------------------------------------------------


@pytest.mark.points(6)
def test_nearest_neighbours_match_gensim(lab):
    """nearest_neighbours gives the same top-k words and cosines as gensim's most_similar."""
    words, vectors = make_embedding(400, 20, seed=7)
    kv = keyed_vectors(words, vectors)
    queries = [(words[i], k) for i, k in ((0, 10), (5, 10), (9, 3), (77, 10), (200, 1), (399, 25))]
    results = lab.map(lab.nearest_neighbours, [(words, vectors, word, k) for word, k in queries])
    for (word, k), got in zip(queries, results):
        check_ranked(got, kv.most_similar(word, topn=k), f"nearest_neighbours(..., {word!r}, k={k})")


@pytest.mark.points(2)
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
    """nearest_neighbours raises KeyError for an unknown word and ValueError for k < 1 or a non-integer k; k = 1 works."""
    words, vectors = make_embedding(20, 4, seed=8)
    check(len(lab.nearest_neighbours(words, vectors, words[0], 1)) == 1, "k=1 should give one neighbour")
    with pytest.raises(KeyError):
        lab.nearest_neighbours(words, vectors, "not-a-word", 5)
    with pytest.raises(KeyError):
        lab.nearest_neighbours(words, vectors, words[0].upper(), 5)
    for k in (0, -2, 2.5):
        with pytest.raises(ValueError):
            lab.nearest_neighbours(words, vectors, words[0], k)
            pytest.fail(f"no ValueError for k={k!r}")


# ---- analogies ---------------------------------------------------------------------------------------------------


def analogy_questions(words, seed: int, count: int = 8) -> list[tuple[str, str, str]]:
    rng = np.random.default_rng(seed)
    return [tuple(words[i] for i in rng.choice(len(words), size=3, replace=False)) for _ in range(count)]


@pytest.mark.parametrize(
    "method, oracle",
    [
        pytest.param("3cosadd", "most_similar", id="3cosadd", marks=pytest.mark.points(7)),
        pytest.param("3cosmul", "most_similar_cosmul", id="3cosmul", marks=pytest.mark.points(7)),
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


@pytest.mark.points(3)
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
    """analogy raises KeyError for an unknown a, b or c and ValueError for an unknown method or a bad k; valid calls work."""
    words, vectors = make_embedding(20, 4, seed=13)
    a, b, c = words[0], words[1], words[2]
    for method in ANALOGY_METHODS:
        check(len(lab.analogy(words, vectors, a, b, c, 1, method)) == 1, f"analogy(..., k=1, method={method!r}) should give one answer")
    for query in ((a, "not-a-word", c), ("not-a-word", b, c), (a, b, "not-a-word")):
        with pytest.raises(KeyError):
            lab.analogy(words, vectors, *query, 1, "3cosadd")
    for method in ("3cosdiv", "3COSADD", ""):
        with pytest.raises(ValueError):
            lab.analogy(words, vectors, a, b, c, 1, method)
    for k in (0, -1, 1.5):
        with pytest.raises(ValueError):
            lab.analogy(words, vectors, a, b, c, k, "3cosmul")
            pytest.fail(f"no ValueError for k={k!r}")


# ---- Spearman and word similarity ----------------------------------------------------------------------------


@pytest.mark.points(4)
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


@pytest.mark.points(4)
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
    """spearman_correlation is nan when either input is constant, +-1 for two values, and raises ValueError for bad lengths."""
    check(math.isnan(lab.spearman_correlation([1.0, 2.0, 3.0], [4.0, 4.0, 4.0])), "a constant y must give nan")
    check(math.isnan(lab.spearman_correlation([7, 7, 7, 7], [1, 3, 2, 4])), "a constant x must give nan")
    assert_close(lab.spearman_correlation([1.0, 2.0], [5.0, 9.0]), 1.0, atol=1e-12, rtol=0, what="spearman_correlation of two increasing pairs")
    assert_close(lab.spearman_correlation([1.0, 2.0], [9.0, 5.0]), -1.0, atol=1e-12, rtol=0, what="spearman_correlation of two opposite pairs")
    with pytest.raises(ValueError):
        lab.spearman_correlation([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        lab.spearman_correlation([1.0], [2.0])
    with pytest.raises(ValueError):
        lab.spearman_correlation([], [])


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


@pytest.mark.points(4)
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


@pytest.mark.points(2)
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
        pytest.param("flowers_insects", marks=pytest.mark.points(2)),
        pytest.param("insects_flowers", marks=pytest.mark.points(2)),
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
        pytest.param("flowers_insects", 4, marks=pytest.mark.points(2)),
        pytest.param("instruments_weapons", 5, marks=pytest.mark.points(2)),
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


@pytest.mark.points(3)
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
    """weat raises ValueError for unequal or empty target sets, empty attribute sets and bad permutation counts, KeyError for
    an unknown word in any set; the valid call next to each works."""
    words, vectors = weat_embedding()
    X, Y, A, B = FLOWERS[:3], INSECTS[:3], PLEASANT, UNPLEASANT
    for permutations in (None, 1, 5):
        got = lab.weat(words, vectors, X, Y, A, B, permutations, 0)
        check(isinstance(got, dict) and 0 <= got["p_value"] <= 1, f"weat(permutations={permutations}) should give a p-value in [0, 1]")
    bad_sets = [
        (FLOWERS, INSECTS[:-1], A, B),
        (FLOWERS[:-1], INSECTS, A, B),
        ([], [], A, B),
        (X, Y, [], B),
        (X, Y, A, []),
    ]
    for sets in bad_sets:
        with pytest.raises(ValueError):
            lab.weat(words, vectors, *sets, None, 0)
    for permutations in (0, -3, 2.5):
        with pytest.raises(ValueError):
            lab.weat(words, vectors, X, Y, A, B, permutations, 0)
            pytest.fail(f"no ValueError for permutations={permutations!r}")
    for position in range(4):
        sets = [list(X), list(Y), list(A), list(B)]
        sets[position][-1] = "not-a-word"
        with pytest.raises(KeyError):
            lab.weat(words, vectors, *sets, None, 0)


# ---- readers: layouts the docstrings allow ---------------------------------------------------------


@pytest.mark.points(3)
def test_text_readers_whitespace_blank_lines_and_empty(lab, tmp_path):
    """The text readers split on any whitespace (tabs, CRLF), skip blank lines anywhere, and read a header of count 0."""
    words, vectors = make_embedding(12, 3, seed=30)
    rows = [f"{w}\t" + "\t".join(f"{v:.6f}" for v in row) for w, row in zip(words, vectors)]
    rows[4] = rows[4].replace("\t", "  ", 1) + "   "
    text = f"{len(words)} 3\r\n" + "\r\n".join(rows[:6]) + "\r\n\r\n\n" + "\r\n".join(rows[6:]) + "\r\n"
    path = tmp_path / "tabs.txt"
    path.write_bytes(text.encode("utf-8"))
    expected = np.array([[float(f"{v:.6f}") for v in row] for row in vectors], dtype=np.float32)
    check_embedding(lab.read_word2vec_text(lab.put_file(path)), words, expected, "read_word2vec_text (tabs, CRLF, blank lines)")
    glove = tmp_path / "tabs.glove"
    glove.write_bytes(("\n\n" + "\n".join(rows[:5]) + "\n \n\t\n" + "\n".join(rows[5:]) + "\n\n").encode("utf-8"))
    check_embedding(lab.read_glove(lab.put_file(glove)), words, expected, "read_glove (tabs, blank lines)")
    empty = tmp_path / "empty.txt"
    empty.write_text("0 3\n", encoding="utf-8")
    got_words, got_vectors = lab.read_word2vec_text(lab.put_file(empty))
    check(list(got_words) == [], "a header of '0 3' should give no words")
    check(isinstance(got_vectors, np.ndarray) and got_vectors.shape == (0, 3) and got_vectors.dtype == np.float32,
          "a header of '0 3' should give a float32 array of shape (0, 3)")
    single = tmp_path / "one_dim.glove"
    single.write_text("x 1.5\ny -2\n", encoding="utf-8")
    check_embedding(lab.read_glove(lab.put_file(single)), ["x", "y"], np.array([[1.5], [-2.0]], dtype=np.float32), "read_glove (d = 1)")


@pytest.mark.points(3)
def test_read_word2vec_binary_separator_bytes_in_vectors(lab, tmp_path):
    """Vector bytes equal to a space or a newline are data: the binary reader takes 4 * dim bytes by count."""
    words = ["alpha", "béta", "gamma", "δelta", "eps"]
    raw = [b"\n\n\n\n" + b"  \x80?", b" \n \n" + b"\n\x00\x00@", b"\x00\x00\x80?" + b"\n\n\n\n", b"    " + b"\x0a\x0a\x20\x3f", b"\n\x0a \x41" + b" \n\x20\x40"]
    vectors = np.stack([np.frombuffer(r, dtype="<f4") for r in raw]).astype(np.float32)
    for with_newline in (False, True):
        body = b"".join(w.encode("utf-8") + b" " + r + (b"\n" if with_newline else b"") for w, r in zip(words, raw))
        path = tmp_path / f"tricky_{with_newline}.bin"
        path.write_bytes(b"5 2\n" + body)
        result = lab.read_word2vec_binary(lab.put_file(path))
        check(isinstance(result, (tuple, list)) and len(result) == 2, "read_word2vec_binary must return a pair (words, vectors)")
        assert_equal(list(result[0]), words, what="the words read from vectors that contain space and newline bytes")
        got = np.asarray(result[1])
        check(got.dtype == np.float32 and got.shape == (5, 2), "read_word2vec_binary must return float32 vectors of shape (count, dim)")
        check(got.tobytes() == vectors.tobytes(), "vectors containing space or newline bytes were read wrongly: take 4 * dim bytes by count")
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"0 4\n")
    got_words, got_vectors = lab.read_word2vec_binary(lab.put_file(empty))
    check(list(got_words) == [] and np.asarray(got_vectors).shape == (0, 4), "a header of '0 4' should give no words and shape (0, 4)")


# ---- neighbours and analogies: return types, defaults, ties ----------------------------------------


@pytest.mark.points(3)
def test_neighbours_and_analogies_types_defaults_and_ties(lab):
    """Scores are Python floats; k = n - 1 and k > n - 1 return every other word; analogy defaults to 3CosAdd with k = 1;
    equal scores keep the order of ``words`` (both methods); float64 vectors work."""
    words, vectors = make_embedding(30, 6, seed=31)
    kv = keyed_vectors(words, vectors)
    for k in (29, 30, 100):
        got = lab.nearest_neighbours(words, vectors.astype(np.float64), words[7], k)
        check(all(type(s) is float for _, s in got), "nearest_neighbours must return the cosines as Python floats")
        check_ranked(got, kv.most_similar(words[7], topn=29), f"nearest_neighbours(..., k={k}) with 30 words")
    a, b, c = words[1], words[5], words[9]  # words[5] is non-ASCII
    default = lab.analogy(words, vectors, a, b, c)
    check_ranked(default, kv.most_similar(positive=[b, c], negative=[a], topn=1), "analogy with the default k and method")
    check(all(type(s) is float for _, s in default), "analogy must return the scores as Python floats")
    # twins: two words with the same vector score the same; the earlier one comes first
    tie_words = words + ["twin_late"]
    tie_vectors = np.vstack([vectors, vectors[3:4]])
    tie_words[3] = "twin_early"
    for method in ANALOGY_METHODS:
        ranked = [w for w, _ in lab.analogy(tie_words, tie_vectors, a, b, c, 40, method)]
        check(ranked.index("twin_early") + 1 == ranked.index("twin_late"), f"analogy ({method}): equal scores should keep the order of words")
    ranked = [w for w, _ in lab.nearest_neighbours(tie_words, tie_vectors, words[0], 40)]
    check(ranked.index("twin_early") + 1 == ranked.index("twin_late"), "nearest_neighbours: equal cosines should keep the order of words")


# ---- Spearman and word similarity: input types and named values -----------------------------------


@pytest.mark.points(2)
def test_spearman_input_types(lab):
    """spearman_correlation takes lists of ints, tuples and numpy arrays and returns a Python float."""
    x, y = [3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8]
    expected = spearmanr(x, y).statistic
    for what, args in (("lists of ints", (x, y)), ("tuples", (tuple(x), tuple(y))), ("numpy arrays", (np.array(x), np.array(y, dtype=np.float32)))):
        got = lab.spearman_correlation(*args)
        check(type(got) is float, f"spearman_correlation should return a Python float for {what}")
        assert_close(got, expected, atol=1e-12, rtol=0, what=f"spearman_correlation of {what}")
    for a, b in ((x, y[:-1]), (x[:-1], y)):
        with pytest.raises(ValueError):
            lab.spearman_correlation(a, b)
    long_x = np.random.default_rng(43).standard_normal(300)
    long_y = long_x + np.random.default_rng(44).standard_normal(300)
    assert_close(lab.spearman_correlation(long_x, long_y), spearmanr(long_x, long_y).statistic, atol=1e-12, rtol=0, what="spearman_correlation of 300 values")


@pytest.mark.points(3)
def test_evaluate_similarity_named_values(lab):
    """evaluate_similarity with no pairs, with exactly two used pairs, with constant human scores, with pairs given as lists."""
    words, vectors = make_embedding(40, 8, seed=32)
    empty = lab.evaluate_similarity(words, vectors, [])
    check(isinstance(empty, dict) and set(empty) == {"spearman", "pairs_used", "pairs_skipped"}, "evaluate_similarity must return the three documented keys")
    check(math.isnan(empty["spearman"]) and empty["pairs_used"] == 0 and empty["pairs_skipped"] == 0, "no pairs: nan, 0 used, 0 skipped")
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cos01, cos23 = float(unit[0] @ unit[1]), float(unit[2] @ unit[3])
    two = [[words[0], words[1], 3], ["zebra", words[2], 1], [words[2], words[3], 8], [words[4], "Zebra", 2], ["yak", "gnu", 4]]
    got = lab.evaluate_similarity(words, vectors, two)
    sign = 1.0 if cos23 > cos01 else -1.0
    assert_close(got["spearman"], sign, atol=1e-12, rtol=0, what="the correlation of exactly two used pairs")
    check(got["pairs_used"] == 2 and got["pairs_skipped"] == 3, "two used pairs and three skipped")
    check(type(got["pairs_used"]) is int and type(got["pairs_skipped"]) is int, "pairs_used and pairs_skipped should be ints")
    constant = lab.evaluate_similarity(words, vectors, [(words[i], words[i + 1], 5.0) for i in range(6)])
    check(math.isnan(constant["spearman"]), "constant human scores should give nan")


# ---- WEAT: ties count, one word per set, return types -----------------------------------------------


def twin_weat_embedding():
    """Targets x1, x2, y1, y2 with y1 = x1 and y2 = x2 (same vectors): s(x1) = s(y1), s(x2) = s(y2) exactly,
    so four of the six splits have the observed statistic (0) and one a larger one."""
    rng = np.random.default_rng(33)
    base = rng.standard_normal((2, 6))
    attributes = rng.standard_normal((5, 6))
    words = ["x1", "x2", "y1", "y2", "a1", "a2", "b1", "b2", "b3"]
    vectors = np.vstack([base, base, attributes]).astype(np.float32)
    return words, vectors


@pytest.mark.points(3)
def test_weat_p_value_counts_ties(lab):
    """Splits whose statistic EQUALS the observed one count in the p-value (>=), exactly and when sampled."""
    words, vectors = twin_weat_embedding()
    X, Y, A, B = ["x1", "x2"], ["y1", "y2"], ["a1", "a2"], ["b1", "b2", "b3"]
    exact = lab.weat(words, vectors, X, Y, A, B, None, 0)
    check(abs(exact["statistic"]) < 1e-9, "internal: the observed statistic should be 0")
    assert_close(exact["p_value"], 5 / 6, atol=1e-9, rtol=0, what="the exact p-value when 4 of 6 splits tie with the observed statistic")
    sampled = lab.weat(words, vectors, X, Y, A, B, 3000, 1)
    check(abs(sampled["p_value"] - 5 / 6) <= 5 * math.sqrt(5 / 36 / 3000) + 1e-3, "the sampled p-value should count the splits that tie with the observed one")


@pytest.mark.points(2)
def test_weat_single_word_sets_and_types(lab):
    """weat with one word per target set (n = 1, 2 splits) matches the formulas; every value is a Python float."""
    words, vectors = weat_embedding()
    for X, Y in ((["rose"], ["ant"]), (["ant"], ["rose"])):
        expected = weat_oracle(words, vectors, X, Y, PLEASANT, UNPLEASANT)
        got = lab.weat(words, vectors, X, Y, PLEASANT, UNPLEASANT, None, 0)
        check(all(type(got[k]) is float for k in ("effect_size", "statistic", "p_value")), "weat's values should be Python floats")
        assert_close(got["effect_size"], expected["effect_size"], atol=1e-6, rtol=1e-6, what=f"the effect size for X={X}, Y={Y}")
        assert_close(got["statistic"], expected["statistic"], atol=1e-6, rtol=1e-6, what=f"the statistic for X={X}, Y={Y}")
        assert_close(got["p_value"], expected["p_value"], atol=1e-9, rtol=0, what=f"the exact p-value for X={X}, Y={Y}")
    one = lab.weat(words, vectors, FLOWERS, INSECTS, PLEASANT, UNPLEASANT, 1, 4)
    check(one["p_value"] in (0.0, 1.0), "with permutations=1 the p-value is 0 or 1")


# ---- big inputs, defaults ------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_large_files_and_sets(lab, tmp_path):
    """260 words of dimension 260 read correctly (text and binary); WEAT takes target sets of 300 words (sampled p-value)."""
    words, vectors = make_embedding(260, 260, seed=40)
    text, binary = tmp_path / "big.txt", tmp_path / "big.bin"
    keyed_vectors(words, vectors).save_word2vec_format(str(text), binary=False)
    keyed_vectors(words, vectors).save_word2vec_format(str(binary), binary=True)
    oracle = KeyedVectors.load_word2vec_format(str(text), binary=False)
    check_embedding(lab.read_word2vec_text(lab.put_file(text)), oracle.index_to_key, oracle.vectors, "read_word2vec_text (260 x 260)")
    check_embedding(lab.read_word2vec_binary(lab.put_file(binary)), words, vectors, "read_word2vec_binary (260 x 260)")
    big_words, big_vectors = make_embedding(620, 8, seed=41)
    X, Y, A, B = big_words[:300], big_words[300:600], big_words[600:610], big_words[610:620]
    got = lab.weat(big_words, big_vectors, X, Y, A, B, 20, 3)
    check(isinstance(got, dict) and 0 <= got["p_value"] <= 1, "weat with 300 words per target set should work")
    expected = weat_oracle_statistics(big_words, big_vectors, X, Y, A, B)
    assert_close(got["effect_size"], expected[0], atol=1e-6, rtol=1e-6, what="the effect size with 300 words per target set")
    assert_close(got["statistic"], expected[1], atol=1e-6, rtol=1e-6, what="the statistic with 300 words per target set")


def weat_oracle_statistics(words, vectors, X, Y, A, B):
    unit = {w: v / np.linalg.norm(v) for w, v in zip(words, vectors.astype(np.float64))}
    s = {w: np.mean([unit[w] @ unit[a] for a in A]) - np.mean([unit[w] @ unit[b] for b in B]) for w in list(X) + list(Y)}
    sx, sy = [s[x] for x in X], [s[y] for y in Y]
    return (np.mean(sx) - np.mean(sy)) / np.std(sx + sy, ddof=1), sum(sx) - sum(sy)


@pytest.mark.points(2)
def test_default_arguments(lab):
    """The documented defaults: k = 10 neighbours, analogy k = 1 with 3CosAdd, WEAT exact (permutations None) with seed 0."""
    words, vectors = make_embedding(30, 6, seed=42)
    kv = keyed_vectors(words, vectors)
    check_ranked(lab.nearest_neighbours(words, vectors, words[3]), kv.most_similar(words[3], topn=10), "nearest_neighbours with the default k")
    check_ranked(lab.analogy(words, vectors, words[0], words[1], words[2]), kv.most_similar(positive=[words[1], words[2]], negative=[words[0]], topn=1),
                 "analogy with the default k and method")
    w, v = weat_embedding()
    X, Y = FLOWERS[:4], INSECTS[:4]
    exact = lab.weat(w, v, X, Y, PLEASANT, UNPLEASANT)
    assert_close(exact["p_value"], weat_oracle(w, v, X, Y, PLEASANT, UNPLEASANT)["p_value"], atol=1e-9, rtol=0, what="the default (exact) p-value")
    for X, Y in ((INSTRUMENTS, WEAPONS), (INSTRUMENTS[1:], WEAPONS[1:])):
        sampled = lab.weat(w, v, X, Y, PLEASANT, UNPLEASANT, 3000)
        again = lab.weat(w, v, X, Y, PLEASANT, UNPLEASANT, 3000, 0)
        assert_equal(sampled["p_value"], again["p_value"], what="the sampled p-value with the default seed (0)")
