"""Hidden tests for lab 56 (summarisation).

Oracles:

* ROUGE: ``rouge_score.rouge_scorer.RougeScorer(types, use_stemmer=False)``
  (its ``score(target, prediction)`` with the reference as the target) and
  ``rouge_score.tokenize.tokenize(text, None)`` for the tokens, on many
  pairs: empty texts, repeated n-grams, punctuation, case, non-ASCII;
* PageRank: ``networkx.pagerank`` on ``networkx.from_numpy_array`` of the
  same matrix (``DiGraph``; ``Graph`` for symmetric ones), with dangling
  nodes, self-loops, weights, ``weight=None``, personalization, dangling
  distributions and alpha in {0, 0.5, 0.85, 1}; the stopping rule by the
  smallest ``max_iter`` for which networkx converges;
* TextRank: ``networkx.pagerank`` on a ``networkx.Graph`` whose edges are
  the similarities written out here from the docstring's formulas;
* sentences, lead-k, chunk spans: cases and brute-force rules written here;
* map-reduce: the docstring's rounds replayed here with a copy of the given
  ``StrideSummarizer``, compared call for call with the log of the
  student's summariser, plus structural checks (every call fits, the first
  round's chunks cover the input in order with exactly ``overlap`` shared
  tokens).
"""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx
import numpy as np
import pytest
from rouge_score import rouge_scorer
from rouge_score import tokenize as rouge_tokenize

from autograder.testing import assert_close, check

KEYS = ("precision", "recall", "fmeasure")


# ---- sentences and lead-k ------------------------------------------------------------------------------------

SPLIT_CASES = [
    ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
    ("Wait... what?! Really?!? Yes.", ["Wait...", "what?!", "Really?!?", "Yes."]),
    ('He said "Stop." Then he left. (It rained.) [Really.] Done.',
     ['He said "Stop."', "Then he left.", "(It rained.)", "[Really.]", "Done."]),
    ("She wrote \u201cNo!\u201d She meant \u2018yes.\u2019 Fine.",
     ["She wrote \u201cNo!\u201d", "She meant \u2018yes.\u2019", "Fine."]),
    ("Pi is 3.14 today. Use e.g., this. Dr. No came.", ["Pi is 3.14 today.", "Use e.g., this.", "Dr.", "No came."]),
    ("end.Next word. x", ["end.Next word.", "x"]),
    ("No punctuation at all", ["No punctuation at all"]),
    ("Trailing dot.", ["Trailing dot."]),
    ("A. 'B.' C", ["A.", "'B.'", "C"]),
]

BLOCK_CASES = [
    ("", []),
    ("   \n\t  \n ", []),
    ("Headline\n\nFirst sentence. Second one.", ["Headline", "First sentence.", "Second one."]),
    ("Title\n  \t \nBody text\ncontinues here. Next.", ["Title", "Body text continues here.", "Next."]),
    ("  Spaces   inside\tthis\n sentence.\nAnd a new line.  ", ["Spaces inside this sentence.", "And a new line."]),
    ("Item one\n\n\n\nItem two\n \nItem three.", ["Item one", "Item two", "Item three."]),
    ("Line one\nline two", ["Line one line two"]),
    ("First.\n\nSecond.\r\n\r\nThird.", ["First.", "Second.", "Third."]),
    ("Caf\u00e9 cr\u00e8me. \u00c9t\u00e9 ici!", ["Caf\u00e9 cr\u00e8me.", "\u00c9t\u00e9 ici!"]),
]


@pytest.mark.points(3)
def test_split_sentences_punctuation(lab):
    """split_sentences ends sentences after runs of .!? plus closing quotes/brackets, before whitespace."""
    got = lab.map(lab.split_sentences, [(text,) for text, _ in SPLIT_CASES])
    for (text, expected), g in zip(SPLIT_CASES, got):
        check(g == expected, f"split_sentences({text!r}) is wrong")


@pytest.mark.points(2)
def test_split_sentences_blocks_and_spaces(lab):
    """split_sentences splits at blank lines, collapses whitespace runs and drops empty sentences."""
    got = lab.map(lab.split_sentences, [(text,) for text, _ in BLOCK_CASES])
    for (text, expected), g in zip(BLOCK_CASES, got):
        check(g == expected, f"split_sentences({text!r}) is wrong")


DOC = ("City news\n \nThe council met on Monday.  It approved the new budget!\n\nSchools get more money. "
       "Roads too? Critics said \"No.\" The vote was 7-2.")
DOC_SENTENCES = ["City news", "The council met on Monday.", "It approved the new budget!", "Schools get more money.",
                 "Roads too?", 'Critics said "No."', "The vote was 7-2."]


@pytest.mark.points(3)
def test_lead_k(lab):
    """lead_k joins the first k sentences with single spaces; k = 0 gives '', a large k gives all."""
    for k in range(0, 9):
        got = lab.lead_k(DOC, k)
        check(got == " ".join(DOC_SENTENCES[:k]), f"lead_k(doc, {k}) is wrong")
    check(lab.lead_k(DOC) == " ".join(DOC_SENTENCES[:3]), "lead_k's default k is 3")
    check(lab.lead_k("", 2) == "", "lead_k of an empty text is ''")
    check(lab.lead_k(DOC, np.int64(2)) == " ".join(DOC_SENTENCES[:2]), "lead_k accepts a numpy integer k")


@pytest.mark.points(1)
def test_lead_k_errors(lab):
    """lead_k raises ValueError for a negative k and TypeError for a float or bool k."""
    check(lab.lead_k(DOC, 1) == DOC_SENTENCES[0], "a valid call should succeed")
    with pytest.raises(ValueError):
        lab.lead_k(DOC, -1)
    for bad in (2.0, True, "2"):
        with pytest.raises(TypeError):
            lab.lead_k(DOC, bad)


# ---- ROUGE ---------------------------------------------------------------------------------------------------

TEXTS = [
    "", "   ", "...!", "The cat sat on the mat.", "the CAT sat, on the MAT!!", "A dog's life: 3 dogs & 12 cats.",
    "snake_case and kebab-case", "Caf\u00e9 na\u00efve stra\u00dfe \u00c9T\u00c9", "\u212aelvin and \u0130stanbul",
    "x1y2 Z3\tw4\nv5", "the the the the", "don't stop-believing 2024-05-01",
]

VOCAB = ["the", "cat", "sat", "on", "mat", "a", "dog", "The", "CAT.", "on,", "mat!", "7", "big-dog", "sat"]


def rouge_pairs(seed, n, max_len=14):
    rng = np.random.default_rng(seed)
    pairs = [("", ""), ("", "the cat"), ("the cat", ""), ("!!!", "the cat"), ("the cat sat", "the cat sat"),
             ("the the the", "the"), ("the", "the the the"), ("the cat the cat the cat", "the cat the cat"),
             ("a b a b a", "b a b a b"), ("cat", "cat"), ("\u212aelvin scale", "kelvin scale"),
             ("snake_case here", "snake case here"), ("na\u00efve caf\u00e9", "naive cafe"), ("The Cat.", "the cat"), ("one two", "two one"),
             ("one two three four", "one x two y three z four"), ("a a a b b", "a b a b a b")]
    for _ in range(n):
        ref = " ".join(rng.choice(VOCAB, rng.integers(0, max_len)))
        cand = " ".join(rng.choice(VOCAB, rng.integers(0, max_len)))
        pairs.append((ref, cand))
    return pairs


def check_scores(got, expected, what):
    check(isinstance(got, dict) and set(got) == set(KEYS), f"{what} should be a dict with keys {KEYS}")
    for key in KEYS:
        check(isinstance(got[key], float), f"{what}[{key!r}] should be a float")
        assert_close(got[key], float(getattr(expected, key)), atol=1e-12, rtol=0, what=f"{what}[{key!r}]")


@pytest.mark.points(3)
def test_tokenize_matches_rouge_score(lab):
    """tokenize equals rouge-score's default tokenizer (lowercase, runs of [a-z0-9]) on varied texts."""
    got = lab.map(lab.tokenize, [(t,) for t in TEXTS])
    for text, g in zip(TEXTS, got):
        check(g == rouge_tokenize.tokenize(text, None), f"tokenize({text!r}) differs from rouge-score's tokens")


@pytest.mark.points(2)
def test_ngram_counts(lab):
    """ngram_counts counts every window of n tokens with repetition; n > length gives {}; n < 1 raises."""
    rng = np.random.default_rng(3)
    cases = [([str(t) for t in rng.choice(["a", "b", "c"], int(rng.integers(0, 12)))], int(n)) for n in (1, 2, 3, 5) for _ in range(5)]
    cases += [(["a", "b"], 3), ([], 1), (("x", "y", "x", "y"), 2)]
    got = lab.map(lab.ngram_counts, cases)
    for (tokens, n), g in zip(cases, got):
        expected = Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        check(dict(g) == dict(expected), f"ngram_counts of {len(tokens)} tokens with n={n} is wrong")
    with pytest.raises(ValueError):
        lab.ngram_counts(["a"], 0)


@pytest.mark.parametrize("n", [pytest.param(1, marks=pytest.mark.points(3), id="rouge1"),
                               pytest.param(2, marks=pytest.mark.points(5), id="rouge2"),
                               pytest.param(3, marks=pytest.mark.points(2), id="rouge3")])
def test_rouge_n_matches_rouge_score(lab, n):
    """rouge_n equals rouge-score's rougeN (precision, recall, F) on many pairs, empty texts and repeats included."""
    scorer = rouge_scorer.RougeScorer([f"rouge{n}"], use_stemmer=False)
    pairs = rouge_pairs(10 + n, 150) + [(a, b) for a in TEXTS[:6] for b in TEXTS[3:9]]
    got = lab.map(lab.rouge_n, [(ref, cand, n) for ref, cand in pairs])
    for (ref, cand), g in zip(pairs, got):
        check_scores(g, scorer.score(ref, cand)[f"rouge{n}"], f"rouge_n({ref!r}, {cand!r}, n={n})")


@pytest.mark.points(2)
def test_rouge_n_named_values(lab):
    """rouge_n: default n is 1, identical texts give 1.0, disjoint ones 0.0, clipped counts, n above the length."""
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rouge4"], use_stemmer=False)
    check_scores(lab.rouge_n("the cat sat", "Sat: the cat!"), scorer.score("the cat sat", "Sat: the cat!")["rouge1"],
                 "rouge_n with the default n")
    same = lab.rouge_n("a b c d", "a b c d", 2)
    check(same == {"precision": 1.0, "recall": 1.0, "fmeasure": 1.0}, "identical texts should score 1.0")
    check(lab.rouge_n("a b", "c d", 1) == {"precision": 0.0, "recall": 0.0, "fmeasure": 0.0}, "disjoint texts score 0.0")
    ref, cand = "the cat", "the the the the cat"
    check_scores(lab.rouge_n(ref, cand, 1), scorer.score(ref, cand)["rouge1"], "rouge_n with a repeated candidate word")
    ref, cand = "a b c", "a b c a b"
    check_scores(lab.rouge_n(ref, cand, 4), scorer.score(ref, cand)["rouge4"], "rouge_n with n above the reference length")
    with pytest.raises(ValueError):
        lab.rouge_n("a b", "a b", 0)


def lcs_oracle(a, b):
    table = np.zeros((len(a) + 1, len(b) + 1), dtype=np.int64)
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i, j] = table[i - 1, j - 1] + 1 if a[i - 1] == b[j - 1] else max(table[i - 1, j], table[i, j - 1])
    return int(table[-1, -1])


@pytest.mark.points(3)
def test_lcs_length(lab):
    """lcs_length is the longest common (not necessarily contiguous) subsequence, for either argument order."""
    rng = np.random.default_rng(4)
    cases = [(["a", "b", "c", "d"], ["a", "c", "x", "d"]), ([], ["a"]), (["a"], []), ([], []),
             (["a", "b"], ["b", "a"]), (["x", "y", "z"], ["p", "x", "q", "y", "r", "z"])]
    for _ in range(40):
        a = [str(v) for v in rng.integers(0, 4, rng.integers(0, 15))]
        b = [str(v) for v in rng.integers(0, 4, rng.integers(0, 25))]
        cases += [(a, b), (b, a)]
    cases.append((("a", "b", "a"), ("b", "a", "b")))
    got = lab.map(lab.lcs_length, cases)
    for (a, b), g in zip(cases, got):
        check(g == lcs_oracle(a, b), f"lcs_length of sequences of {len(a)} and {len(b)} tokens is wrong")


@pytest.mark.points(5)
def test_rouge_l_matches_rouge_score(lab):
    """rouge_l equals rouge-score's rougeL (LCS-based P, R, F) on many pairs, empty texts included."""
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    pairs = rouge_pairs(21, 150) + [(a, b) for a in TEXTS[:6] for b in TEXTS[3:9]]
    got = lab.map(lab.rouge_l, pairs)
    for (ref, cand), g in zip(pairs, got):
        check_scores(g, scorer.score(ref, cand)["rougeL"], f"rouge_l({ref!r}, {cand!r})")


@pytest.mark.points(3)
def test_rouge_scores_types(lab):
    """rouge_scores gives every requested type (default rouge1, rouge2, rougeL) and refuses unknown types."""
    ref, cand = "The quick brown fox jumps over the lazy dog.", "The quick brown dog jumps on the log, the fox."
    default = lab.rouge_scores(ref, cand)
    expected = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"]).score(ref, cand)
    check(set(default) == {"rouge1", "rouge2", "rougeL"}, "rouge_scores' default types are rouge1, rouge2, rougeL")
    for name in default:
        check_scores(default[name], expected[name], f"rouge_scores(...)[{name!r}]")
    types = ["rougeL", "rouge4", "rouge9", "rouge1"]
    long_ref = " ".join(["w%d" % (i % 13) for i in range(40)])
    long_cand = " ".join(["w%d" % (i % 11) for i in range(45)])
    got = lab.rouge_scores(long_ref, long_cand, types)
    expected = rouge_scorer.RougeScorer(types).score(long_ref, long_cand)
    check(set(got) == set(types), "rouge_scores should return exactly the requested types")
    for name in types:
        check_scores(got[name], expected[name], f"rouge_scores(...)[{name!r}]")
    for bad in (["rouge0"], ["rouge10"], ["rougeLsum"], ["ROUGE1"], ["rouge1", "rougeX"], ["rouge01"], ["rouge"], ["rougel"]):
        with pytest.raises(ValueError):
            lab.rouge_scores(ref, cand, bad)


# ---- TextRank ------------------------------------------------------------------------------------------------


def tokens(text):
    return rouge_tokenize.tokenize(text, None)


def textrank_sim(a, b):
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb or len(ta) == len(tb) == 1:
        return 0.0
    return len(set(ta) & set(tb)) / (math.log(len(ta)) + math.log(len(tb)))


def cosine_sim(a, b):
    ca, cb = Counter(tokens(a)), Counter(tokens(b))
    if not ca or not cb:
        return 0.0
    dot = sum(ca[t] * cb[t] for t in ca)
    return dot / (math.sqrt(sum(v * v for v in ca.values())) * math.sqrt(sum(v * v for v in cb.values())))


SIM_PAIRS = [
    ("The cat sat on the mat.", "A cat and the dog."), ("the the the cat", "the cat cat"), ("cat", "cat"),
    ("cat", "cat dog"), ("cat dog", "cat"), ("", "cat"), ("!!!", "cat dog"), ("cat dog", "..."), ("", ""),
    ("Red apples, red cherries.", "RED apples!"), ("one two three", "four five six"), ("a b", "b a"),
    ("x x", "x"), ("Rain in Spain falls mainly.", "In Spain, rain falls on the plain."),
]


@pytest.mark.points(4)
def test_sentence_similarity_textrank(lab):
    """The textrank similarity is shared distinct tokens over log|A| + log|B| (default method), 0 where undefined."""
    got = lab.map(lab.sentence_similarity, SIM_PAIRS)
    for (a, b), g in zip(SIM_PAIRS, got):
        assert_close(g, textrank_sim(a, b), atol=1e-12, rtol=1e-12, what=f"sentence_similarity({a!r}, {b!r})")
    got = lab.map(lab.sentence_similarity, [(a, b, "textrank") for a, b in SIM_PAIRS])
    for (a, b), g in zip(SIM_PAIRS, got):
        assert_close(g, textrank_sim(a, b), atol=1e-12, rtol=1e-12, what=f"sentence_similarity({a!r}, {b!r}, 'textrank')")


@pytest.mark.points(2)
def test_sentence_similarity_cosine(lab):
    """The cosine similarity of token counts; 0 for a sentence without tokens; unknown methods raise."""
    got = lab.map(lab.sentence_similarity, [(a, b, "cosine") for a, b in SIM_PAIRS])
    for (a, b), g in zip(SIM_PAIRS, got):
        assert_close(g, cosine_sim(a, b), atol=1e-12, rtol=1e-12, what=f"sentence_similarity({a!r}, {b!r}, 'cosine')")
    with pytest.raises(ValueError):
        lab.sentence_similarity("a b", "a b", "jaccard")


@pytest.mark.points(2)
def test_similarity_matrix(lab):
    """similarity_matrix is symmetric with a zero diagonal, (0, 0) for no sentences; unknown methods raise."""
    sentences = [a for a, _ in SIM_PAIRS[:8]]
    for method, sim in (("textrank", textrank_sim), ("cosine", cosine_sim)):
        expected = np.array([[0.0 if i == j else sim(a, b) for j, b in enumerate(sentences)]
                             for i, a in enumerate(sentences)])
        got = lab.similarity_matrix(sentences, method)
        check(got.dtype == np.float64, "similarity_matrix should be float64")
        assert_close(got, expected, atol=1e-12, rtol=1e-12, what=f"similarity_matrix({method!r})")
    assert_close(lab.similarity_matrix(sentences), lab.similarity_matrix(sentences, "textrank"), atol=0, rtol=0,
                 what="similarity_matrix's default method")
    check(lab.similarity_matrix([]).shape == (0, 0), "no sentences give a (0, 0) matrix")
    with pytest.raises(ValueError):
        lab.similarity_matrix([], "jaccard")


# ---- PageRank ------------------------------------------------------------------------------------------------


def random_weights(rng, n, density=0.3, self_loops=True, dangling=2, scale=1.0):
    w = rng.uniform(0.1, 3.0, (n, n)) * (rng.random((n, n)) < density) * scale
    if not self_loops:
        np.fill_diagonal(w, 0.0)
    else:
        w[np.arange(n) % 3 == 0, np.arange(n)[np.arange(n) % 3 == 0]] = rng.uniform(0.5, 2.0)
    for i in range(min(dangling, n)):
        w[n - 1 - i] = 0.0                                   # the last rows: dangling nodes
    return w


def nx_pagerank(w, directed=True, **kwargs):
    graph = nx.from_numpy_array(w, create_using=nx.DiGraph if directed else nx.Graph)
    for key in ("personalization", "dangling"):
        if kwargs.get(key) is not None:
            kwargs[key] = dict(enumerate(np.asarray(kwargs[key], dtype=float)))
    scores = nx.pagerank(graph, **kwargs)
    return np.array([scores[i] for i in range(len(w))])


def check_pagerank(lab, cases, what):
    got = lab.map(lab.pagerank, [(w,) + tuple(args.values()) for w, args, _ in cases])
    for (w, args, nx_kwargs), g in zip(cases, got):
        expected = nx_pagerank(w, **nx_kwargs)
        check(isinstance(g, np.ndarray) and g.dtype == np.float64, "pagerank should return a float64 array")
        assert_close(g, expected, atol=1e-10, rtol=1e-8, what=f"pagerank ({what}, {len(w)} nodes)")


def pr_args(alpha=0.85, personalization=None, max_iter=100, tol=1e-6, weighted=True, dangling=None):
    return dict(alpha=alpha, personalization=personalization, max_iter=max_iter, tol=tol, weighted=weighted,
                dangling=dangling)


def nx_args(alpha=0.85, personalization=None, max_iter=100, tol=1e-6, weighted=True, dangling=None, directed=True):
    return dict(alpha=alpha, personalization=personalization, max_iter=max_iter, tol=tol,
                weight="weight" if weighted else None, dangling=dangling, directed=directed)


def pagerank_cases(kind):
    rng = np.random.default_rng(list(PAGERANK_KINDS).index(kind) + 100)
    cases = []
    for n in (1, 2, 3, 5, 8, 13, 30):
        if kind == "dangling-selfloops":
            w = random_weights(rng, n)
            cases.append((w, pr_args(), nx_args()))
            cases.append((w, pr_args(tol=1e-9), nx_args(tol=1e-9)))
        elif kind == "undirected":
            w = random_weights(rng, n, density=0.25, dangling=0)
            w = np.triu(w) + np.triu(w, 1).T
            if n > 3:
                w[1, :] = w[:, 1] = 0.0                        # an isolated node: dangling
            cases.append((w, pr_args(), nx_args(directed=False)))
        elif kind == "unweighted":
            w = random_weights(rng, n)
            cases.append((w, pr_args(weighted=False), nx_args(weighted=False)))
        elif kind == "personalization":
            w = random_weights(rng, n)
            p = rng.uniform(0, 5, n)
            p[0] = 0.0 if n > 1 else 1.0
            cases.append((w, pr_args(personalization=p), nx_args(personalization=p)))
            cases.append((w, pr_args(personalization=list(p)), nx_args(personalization=p)))
        elif kind == "dangling":
            w = random_weights(rng, n, dangling=3)
            d = rng.uniform(0, 2, n)
            d[-1] = 0.0 if n > 1 else 1.0
            cases.append((w, pr_args(dangling=d), nx_args(dangling=d)))
        elif kind == "both":
            w = random_weights(rng, n, dangling=3)
            p, d = rng.uniform(0.1, 1, n), rng.uniform(0.1, 1, n)
            cases.append((w, pr_args(alpha=0.7, personalization=p, dangling=d, weighted=False),
                          nx_args(alpha=0.7, personalization=p, dangling=d, weighted=False)))
            cases.append((w, pr_args(personalization=p, dangling=p * 3), nx_args(personalization=p, dangling=p)))
        elif kind == "alpha":
            w = random_weights(rng, n)
            p = rng.uniform(0.1, 1, n)
            for alpha in (0.0, 0.5, 0.99):
                cases.append((w, pr_args(alpha=alpha), nx_args(alpha=alpha)))
            cases.append((w, pr_args(alpha=0.0, personalization=p), nx_args(alpha=0.0, personalization=p)))
            strong = rng.uniform(0.5, 1.0, (n, n))                # strongly connected, aperiodic: alpha = 1 converges
            cases.append((strong, pr_args(alpha=1.0), nx_args(alpha=1.0)))
        elif kind == "large-weights":
            w = random_weights(rng, n, scale=1e9)
            w[0, -1] = 1e-9 if n > 1 else w[0, -1]
            cases.append((w, pr_args(), nx_args()))
    return cases


PAGERANK_KINDS = {"dangling-selfloops": 3, "undirected": 1, "unweighted": 1, "personalization": 2, "dangling": 2,
                  "both": 1, "alpha": 2, "large-weights": 1}


@pytest.mark.parametrize("kind", [pytest.param(k, marks=pytest.mark.points(p), id=k) for k, p in PAGERANK_KINDS.items()])
def test_pagerank_matches_networkx(lab, kind):
    """pagerank equals networkx.pagerank (weights, self-loops, dangling nodes, personalization, alpha)."""
    check_pagerank(lab, pagerank_cases(kind), kind)


def nx_iterations(w, tol, alpha=0.85):
    graph = nx.from_numpy_array(w, create_using=nx.DiGraph)
    for max_iter in range(1, 200):
        try:
            nx.pagerank(graph, alpha=alpha, tol=tol, max_iter=max_iter)
            return max_iter
        except nx.PowerIterationFailedConvergence:
            continue
    raise AssertionError("test graph does not converge")


@pytest.mark.points(4)
def test_pagerank_stopping_rule(lab):
    """pagerank stops at the first iteration whose L1 change is below n * tol, and raises RuntimeError after max_iter."""
    rng = np.random.default_rng(8)
    checked = 0
    for n, tol, alpha in ((6, 1e-6, 0.85), (12, 1e-4, 0.9), (25, 1e-8, 0.85), (9, 1e-3, 0.95), (40, 1e-6, 0.99)):
        w = random_weights(rng, n, density=0.2)
        k = nx_iterations(w, tol, alpha)
        got = lab.pagerank(w, alpha, None, k, tol)
        assert_close(got, nx_pagerank(w, alpha=alpha, tol=tol, max_iter=k), atol=1e-10, rtol=1e-8,
                     what=f"pagerank with max_iter equal to the iterations it needs ({n} nodes)")
        if k > 1:
            with pytest.raises(RuntimeError):
                lab.pagerank(w, alpha, None, k - 1, tol)
            checked += 1
    check(checked >= 4, "internal: too few graphs needed more than one iteration")
    # the default max_iter is 100: this graph needs exactly 100 iterations at one tol and 101 at a slightly smaller one
    w = np.roll(np.eye(6), 1, axis=1)
    w[0, 3] = 0.5
    assert nx_iterations(w, 4.18e-7, 0.99) == 100 and nx_iterations(w, 4.135e-7, 0.99) == 101
    assert_close(lab.pagerank(w, 0.99, tol=4.18e-7), nx_pagerank(w, alpha=0.99, tol=4.18e-7), atol=1e-10, rtol=1e-8,
                 what="pagerank needing exactly 100 iterations with the default max_iter")
    with pytest.raises(RuntimeError):
        lab.pagerank(w, 0.99, tol=4.135e-7)
    # the stopping rule is strict: an L1 change of exactly n * tol goes on iterating
    p = [0.75, 0.25]
    assert_close(lab.pagerank(np.zeros((2, 2)), 0.0, p, 2, 0.25), np.array(p), atol=1e-12, rtol=0,
                 what="pagerank whose first change equals n * tol")
    with pytest.raises(RuntimeError):
        lab.pagerank(np.zeros((2, 2)), 0.0, p, 1, 0.25)
    assert_close(lab.pagerank(np.ones((3, 3)), 0.0, None, 1), np.full(3, 1 / 3), atol=1e-12, rtol=0,
                 what="max_iter = 1 is allowed")


@pytest.mark.points(2)
def test_pagerank_named_values(lab):
    """pagerank: no nodes, one node, alpha = 0 (the personalization), an all-dangling graph, keyword defaults."""
    check(lab.pagerank(np.zeros((0, 0))).shape == (0,), "an empty graph gives an empty array")
    assert_close(lab.pagerank([[0.0]]), np.array([1.0]), atol=1e-12, rtol=0, what="one dangling node")
    assert_close(lab.pagerank([[2.0]]), np.array([1.0]), atol=1e-12, rtol=0, what="one node with a self-loop")
    p = np.array([1.0, 0.0, 3.0])
    w = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=float)
    assert_close(lab.pagerank(w, alpha=0.0, personalization=p), p / p.sum(), atol=1e-12, rtol=0,
                 what="alpha = 0 gives the personalization")
    assert_close(lab.pagerank(np.zeros((4, 4))), np.full(4, 0.25), atol=1e-12, rtol=0, what="an all-dangling graph")
    w = random_weights(np.random.default_rng(10), 300, density=0.02)
    assert_close(lab.pagerank(w), nx_pagerank(w), atol=1e-10, rtol=1e-8, what="pagerank of a 300-node graph")
    w = random_weights(np.random.default_rng(9), 7)
    assert_close(lab.pagerank(w.tolist()), nx_pagerank(w), atol=1e-10, rtol=1e-8, what="pagerank of a list of lists")
    assert_close(lab.pagerank(w.astype(np.float32)), nx_pagerank(w.astype(np.float32).astype(np.float64)),
                 atol=1e-10, rtol=1e-8, what="pagerank of a float32 matrix")
    assert_close(lab.pagerank((w > 0).astype(np.int64)), nx_pagerank((w > 0).astype(float)), atol=1e-10, rtol=1e-8,
                 what="pagerank of an int matrix")


@pytest.mark.points(2)
def test_pagerank_errors(lab):
    """pagerank raises ValueError for bad matrices, alpha, max_iter, tol, personalization and dangling vectors."""
    w = np.array([[0, 1.0], [1.0, 0]])
    assert_close(lab.pagerank(w), np.array([0.5, 0.5]), atol=1e-12, rtol=0, what="a valid call")
    bad_calls = [
        ((np.ones((2, 3)),), {}), ((np.ones((3, 2)),), {}), ((np.ones((1, 3)),), {}), ((np.ones((3, 1)),), {}),
        ((np.ones((2, 2, 2)),), {}), ((np.ones(3),), {}), ((np.float64(1.0),), {}),
        ((np.ones((1, 3)),), {"tol": 10.0}), ((np.zeros((1, 1)),), {"personalization": [1.0, 1.0], "tol": 10.0}),
        ((np.zeros((1, 1)),), {"dangling": [1.0, 1.0, 1.0], "tol": 10.0}), ((np.array([[0, -1.0], [1, 0]]),), {}),
        ((np.array([[0, np.nan], [1, 0]]),), {}), ((np.array([[0, np.inf], [1, 0]]),), {}),
        ((w,), {"alpha": -0.1}), ((w,), {"alpha": 1.5}), ((w,), {"alpha": float("nan")}),
        ((w,), {"max_iter": 0}), ((w,), {"tol": 0.0}), ((w,), {"tol": -1e-6}),
        ((w,), {"personalization": [1.0]}), ((w,), {"personalization": [0.0, 0.0]}),
        ((w,), {"personalization": [1.0, -0.5]}), ((w,), {"personalization": [1.0, np.nan]}),
        ((w,), {"dangling": [1.0, 2.0, 3.0]}), ((w,), {"dangling": [0.0, 0.0]}), ((w,), {"dangling": [-1.0, 2.0]}),
        ((w,), {"dangling": [np.inf, 1.0]}),
    ]
    for args, kwargs in bad_calls:
        with pytest.raises(ValueError):
            lab.pagerank(*args, **kwargs)


# ---- TextRank scores and summaries ---------------------------------------------------------------------------

ARTICLE = """Heavy rain flooded the old town on Tuesday night.

The river rose two metres above its normal level after the rain. Emergency crews pumped water from flooded homes \
in the old town. Schools stayed closed on Wednesday. The mayor said the rain was the heaviest in forty years! \
Residents of the old town asked for better flood defences along the river. A local bakery handed out free bread. \
Forecasters expect more rain and more flooding next week? Meanwhile, the football match was postponed."""


def nx_textrank(sentences, sim, alpha=0.85):
    graph = nx.Graph()
    graph.add_nodes_from(range(len(sentences)))
    for i in range(len(sentences)):
        for j in range(i + 1, len(sentences)):
            s = sim(sentences[i], sentences[j])
            if s > 0:
                graph.add_edge(i, j, weight=s)
    scores = nx.pagerank(graph, alpha=alpha)
    return np.array([scores[i] for i in range(len(sentences))])


@pytest.mark.points(5)
def test_textrank_scores_match_networkx(lab):
    """textrank_scores equals networkx.pagerank on the sentence-similarity graph, for both methods and several alphas."""
    sentences = lab_free_split(ARTICLE)
    sentences.append("Unrelated words here")                 # similar to nothing: a dangling node
    assert_close(lab.textrank_scores(tuple(sentences)), nx_textrank(sentences, textrank_sim), atol=1e-10, rtol=1e-8,
                 what="textrank_scores of a tuple of sentences")
    for method, sim in (("textrank", textrank_sim), ("cosine", cosine_sim)):
        for alpha in (0.85, 0.5):
            got = lab.textrank_scores(sentences, method, alpha)
            assert_close(got, nx_textrank(sentences, sim, alpha), atol=1e-10, rtol=1e-8,
                         what=f"textrank_scores(method={method!r}, alpha={alpha})")
    assert_close(lab.textrank_scores(sentences), nx_textrank(sentences, textrank_sim), atol=1e-10, rtol=1e-8,
                 what="textrank_scores with its defaults")
    check(lab.textrank_scores([]).shape == (0,), "no sentences give an empty array")


def expected_summary(text, k, sim, alpha=0.85):
    sentences = lab_free_split(text)
    scores = nx_textrank(sentences, sim, alpha)
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    if k < len(sentences):
        gap = scores[order[k - 1]] - scores[order[k]] if k > 0 else 1.0
        assert gap > 1e-6, "internal: the test article has a near tie at the cut"
    return " ".join(sentences[i] for i in sorted(order[:k]))


def lab_free_split(text):
    import re
    out = []
    for block in re.split(r"\n[ \t]*\n", text):
        start = 0
        for m in re.finditer(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s)", block):
            out.append(block[start:m.end()])
            start = m.end()
        out.append(block[start:])
    return [" ".join(s.split()) for s in out if s.strip()]


@pytest.mark.points(3)
def test_textrank_summary(lab):
    """textrank_summary keeps the k highest-scoring sentences, in document order (k = 0: '', large k: all)."""
    for k in (0, 1, 2, 3, 5, 20):
        for method, sim in (("textrank", textrank_sim), ("cosine", cosine_sim)):
            check(lab.textrank_summary(ARTICLE, k, method) == expected_summary(ARTICLE, k, sim),
                  f"textrank_summary(article, k={k}, method={method!r}) picks the wrong sentences or order")
    check(lab.textrank_summary(ARTICLE) == expected_summary(ARTICLE, 3, textrank_sim),
          "textrank_summary's defaults are k=3, method='textrank'")
    check(lab.textrank_summary(ARTICLE, 2, "textrank", 0.3) == expected_summary(ARTICLE, 2, textrank_sim, 0.3),
          "textrank_summary should pass alpha to PageRank")


@pytest.mark.points(2)
def test_textrank_summary_ties_and_errors(lab):
    """Equal scores keep the earlier sentence; a negative k, a float k or an unknown method raise."""
    text = "Alpha beta. Gamma delta! Epsilon zeta? Eta theta. Iota kappa."   # no shared words: equal scores
    check(lab.textrank_summary(text, 2) == "Alpha beta. Gamma delta!", "equal scores should keep the earlier sentences")
    text = "Zeta one. Red apple pie. Blue sky. Red apple tart. Green tea."
    check(lab.textrank_summary(text, 3) == "Zeta one. Red apple pie. Red apple tart.",
          "the two similar sentences rank first, then the earliest of the tied ones")
    check(lab.textrank_summary("", 3) == "", "an empty text gives ''")
    with pytest.raises(ValueError):
        lab.textrank_summary(text, -1)
    with pytest.raises(TypeError):
        lab.textrank_summary(text, 1.5)
    with pytest.raises(ValueError):
        lab.textrank_summary(text, 2, "jaccard")


# ---- map-reduce ----------------------------------------------------------------------------------------------


def spans_oracle(n, size, overlap):
    """Brute force: every start on the grid 0, stride, 2*stride, ... until a span reaches n."""
    stride = size - overlap
    spans = []
    for start in range(0, max(n, 1), stride):
        if start >= n:
            break
        spans.append((start, min(start + size, n)))
        if start + size >= n:
            break
    return spans


@pytest.mark.points(4)
def test_chunk_spans(lab):
    """chunk_spans covers the tokens with spans of `size` sharing `overlap` tokens, and stops at the first full cover."""
    cases = [(n, size, overlap) for n in (0, 1, 3, 4, 5, 9, 10, 11, 17, 40) for size in (1, 3, 4, 7)
             for overlap in range(size)]
    cases += [(1000, 64, 8), (129, 64, 0), (128, 64, 0), (127, 64, 63)]
    got = lab.map(lab.chunk_spans, cases)
    for (n, size, overlap), g in zip(cases, got):
        check([tuple(s) for s in g] == spans_oracle(n, size, overlap),
              f"chunk_spans({n}, {size}, {overlap}) is wrong")
    check([tuple(s) for s in lab.chunk_spans(10, 4, 1)] == [(0, 4), (3, 7), (6, 10)], "the docstring's example")
    check([tuple(s) for s in lab.chunk_spans(9, 4)] == [(0, 4), (4, 8), (8, 9)], "overlap defaults to 0")


@pytest.mark.points(1)
def test_chunk_spans_errors(lab):
    """chunk_spans raises ValueError for a negative length, size < 1 and overlap outside [0, size - 1]."""
    check([tuple(s) for s in lab.chunk_spans(3, 2, 1)] == [(0, 2), (1, 3)], "a valid call should succeed")
    for args in ((-1, 4, 0), (5, 0, 0), (5, 4, 4), (5, 4, -1), (5, 4, 7)):
        with pytest.raises(ValueError):
            lab.chunk_spans(*args)


def stride_summary(text, context, output):
    toks = text.split()
    assert len(toks) <= context
    if not toks:
        return ""
    return " ".join(toks[::-(-len(toks) // output)])


def expected_rounds(text, context, output, size, overlap):
    """The docstring's rounds: a list of rounds (each a list of chunk texts) and the final call."""
    toks = text.split()
    rounds = []
    while len(toks) > context:
        chunks = [" ".join(toks[a:b]) for a, b in spans_oracle(len(toks), size, overlap)]
        rounds.append(chunks)
        reduced = " ".join(stride_summary(c, context, output) for c in chunks).split()
        assert len(reduced) < len(toks), "internal: a test case without progress"
        toks = reduced
    return rounds, " ".join(toks)


def words(n, prefix="w"):
    return [f"{prefix}{i}" for i in range(n)]


def check_run(lab, text, context, output, chunk_size, overlap, what):
    model = lab.StrideSummarizer() if (context, output) == (64, 16) else lab.StrideSummarizer(context, output)
    kwargs = {} if chunk_size is None else {"chunk_size": chunk_size}
    if overlap is not None:
        kwargs["overlap"] = overlap
    got = lab.map_reduce_summarize(text, model, **kwargs)
    size = context if chunk_size is None else chunk_size
    rounds, final_input = expected_rounds(text, context, output, size, overlap or 0)
    calls = list(model.calls)
    check(all(len(c.split()) <= context for c in calls), f"{what}: a call exceeds the model's context")
    if rounds:
        first = calls[:len(rounds[0])]
        check(len(first) == len(rounds[0]), f"{what}: the first round makes the wrong number of calls")
        covered = first[0].split() + [t for c in first[1:] for t in c.split()[overlap or 0:]]
        check(covered == text.split(), f"{what}: the first round's chunks do not cover the input in order")
        for a, b in zip(first, first[1:]):
            check(a.split()[len(a.split()) - (overlap or 0):] == b.split()[:overlap or 0],
                  f"{what}: consecutive chunks should share exactly the overlap")
    expected_calls = [c for r in rounds for c in r] + [final_input]
    check(len(calls) == len(expected_calls), f"{what}: {len(calls)} calls to the model, expected {len(expected_calls)}")
    check(calls == expected_calls, f"{what}: the model was called with the wrong texts (or in the wrong order)")
    check(got == stride_summary(final_input, context, output), f"{what}: the returned summary is wrong")
    return len(rounds)


@pytest.mark.points(8)
def test_map_reduce_calls(lab):
    """map_reduce_summarize: chunks fit and cover the input in order with the overlap; summaries reduced in order."""
    configs = [  # (n words, context, output, chunk_size, overlap)
        (200, 32, 8, None, None), (200, 32, 8, None, 4), (257, 32, 8, 20, 5), (100, 16, 2, 16, 12),
        (65, 64, 16, None, 0), (129, 64, 16, 64, 0), (1000, 64, 16, None, 8), (500, 50, 10, 30, 10), (90, 10, 1, 10, 0), (64, 32, 31, 32, 0),
    ]
    for n, context, output, chunk_size, overlap in configs:
        check_run(lab, " ".join(words(n)), context, output, chunk_size, overlap,
                  f"{n} words, context {context}, chunk_size {chunk_size}, overlap {overlap}")
    messy = "  Lorem ipsum\tdolor\n\nsit amet,  consectetur " * 9
    check_run(lab, messy, 12, 3, None, 2, "a text with irregular whitespace and repeated words")


@pytest.mark.points(5)
def test_map_reduce_recursion(lab):
    """map_reduce_summarize reduces round after round until the summaries fit the context."""
    depths = []
    for n, context, output, chunk_size, overlap in ((2000, 20, 5, None, 0), (1500, 16, 8, 12, 3), (3000, 30, 3, 25, 5)):
        depths.append(check_run(lab, " ".join(words(n)), context, output, chunk_size, overlap,
                                f"{n} words, context {context}, output {output}"))
    check(max(depths) >= 3, "internal: the recursion test should need three rounds")


@pytest.mark.points(2)
def test_map_reduce_short_text(lab):
    """A text that fits the context (the empty text too) is summarised by exactly one call."""
    for text, context in ((" ".join(words(32)), 32), ("a  b\nc", 8), ("", 4), ("   ", 4), ("one", 1)):
        model = lab.StrideSummarizer(context, 1 if context == 1 else 3)
        got = lab.map_reduce_summarize(text, model)
        calls = list(model.calls)
        check(calls == [" ".join(text.split())], "a text that fits should be passed to the model once, tokens joined by spaces")
        check(got == stride_summary(text, context, 1 if context == 1 else 3), "the summary of a short text is the model's")


@pytest.mark.points(2)
def test_map_reduce_no_progress(lab):
    """A round whose summaries are not shorter than its input raises RuntimeError."""
    check(lab.map_reduce_summarize(" ".join(words(20)), lab.StrideSummarizer(8, 4)) != "", "a valid call should succeed")
    model = lab.StrideSummarizer(8, 8)                     # summaries as long as their chunks: 20 -> 20 tokens
    with pytest.raises(RuntimeError):
        lab.map_reduce_summarize(" ".join(words(20)), model)
    model = lab.StrideSummarizer(10, 9)                    # overlap 9: one chunk per token, the text grows
    with pytest.raises(RuntimeError):
        lab.map_reduce_summarize(" ".join(words(30)), model, 10, 9)
    check(len(model.calls) == 21, "the round should run in full before the check")


@pytest.mark.points(2)
def test_map_reduce_errors(lab):
    """map_reduce_summarize raises ValueError for chunk_size outside [1, context] or overlap outside [0, chunk_size-1]."""
    model = lab.StrideSummarizer(16, 4)
    check(lab.map_reduce_summarize(" ".join(words(40)), model, 16, 8) != "", "a valid call should succeed")
    for n_words in (40, 10):                              # a long text and one that fits: both are checked first
        for chunk_size, overlap in ((17, 0), (0, 0), (8, 8), (8, 10), (8, -1), (None, 16), (-3, 0), (None, -1)):
            model = lab.StrideSummarizer(16, 4)
            with pytest.raises(ValueError):
                lab.map_reduce_summarize(" ".join(words(n_words)), model, chunk_size, overlap)
            check(list(model.calls) == [], "a ValueError should be raised before any call to the model")
    for context, output in ((4, 5), (4, 0)):
        with pytest.raises(ValueError):
            lab.StrideSummarizer(context, output)
