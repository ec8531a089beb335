"""Public sanity checks for lab 56 (summarisation).

Run with ``autograder test lab56_summarization``. Passing these does not
mean the hidden tests pass: they compare your ROUGE with ``rouge-score``'s
``RougeScorer`` on hundreds of pairs (empty texts, repeated n-grams,
punctuation, non-ASCII), your PageRank with ``networkx.pagerank`` on
graphs with dangling nodes, self-loops, personalization and dangling
distributions (and check its stopping rule to the iteration), TextRank on
a news article, and replay the map-reduce rounds call by call. Both
libraries are installed for you to compare with here; ``summarization.py``
itself may not import them.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from rouge_score import rouge_scorer

from autograder.testing import assert_close, check


def test_sentences_and_lead(lab):
    """Sentences end at . ! ? before whitespace; lead_k keeps the first k."""
    text = "Markets rose today. Oil fell!  Why?\n\nAnalysts disagree"
    check(lab.split_sentences(text) == ["Markets rose today.", "Oil fell!", "Why?", "Analysts disagree"],
          "split_sentences should give four sentences here")
    check(lab.lead_k(text, 2) == "Markets rose today. Oil fell!", "lead_k(text, 2) joins two sentences with a space")


def test_rouge_against_rouge_score(lab):
    """rouge_n and rouge_l agree with rouge-score on one pair."""
    reference, candidate = "The cat sat on the mat.", "A cat sat on a mat, the end."
    expected = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"]).score(reference, candidate)
    for name, got in (("rouge1", lab.rouge_n(reference, candidate, 1)), ("rouge2", lab.rouge_n(reference, candidate, 2)),
                      ("rougeL", lab.rouge_l(reference, candidate))):
        for key in ("precision", "recall", "fmeasure"):
            assert_close(got[key], getattr(expected[name], key), atol=1e-12, rtol=0, what=f"{name} {key}")


def test_lcs_example(lab):
    """The longest common subsequence need not be contiguous."""
    check(lab.lcs_length(["a", "b", "c", "d"], ["a", "c", "x", "d"]) == 3, "the LCS of 'a b c d' and 'a c x d' is 'a c d'")


def test_pagerank_against_networkx(lab):
    """pagerank equals networkx.pagerank on a small graph with a dangling node."""
    weights = np.array([[0, 2, 1, 0], [1, 0, 0, 0], [0, 3, 0, 1], [0, 0, 0, 0]], dtype=float)
    graph = nx.from_numpy_array(weights, create_using=nx.DiGraph)
    expected = nx.pagerank(graph)
    assert_close(lab.pagerank(weights), np.array([expected[i] for i in range(4)]), atol=1e-10, rtol=1e-8,
                 what="pagerank")


def test_textrank_picks_the_central_sentence(lab):
    """The sentence that shares words with the others ranks first."""
    text = "Solar panels cut power bills. Wind farms cut power bills too. Solar and wind farms cut power bills. I like tea."
    check(lab.textrank_summary(text, 1) == "Solar and wind farms cut power bills.", "the most central sentence should win")


def test_chunk_spans_example(lab):
    """The docstring's example of chunk spans."""
    check([tuple(s) for s in lab.chunk_spans(10, 4, 1)] == [(0, 4), (3, 7), (6, 10)], "chunk_spans(10, 4, 1)")


def test_map_reduce_respects_the_context(lab):
    """Every call to the stand-in model fits its context, and a long text takes more than one round."""
    model = lab.StrideSummarizer(context_tokens=10, output_tokens=3)
    text = " ".join(f"t{i}" for i in range(60))
    summary = lab.map_reduce_summarize(text, model, overlap=2)
    calls = list(model.calls)
    check(all(len(c.split()) <= 10 for c in calls), "a call exceeded the context")
    check(calls[0] == " ".join(f"t{i}" for i in range(10)), "the first chunk is the first 10 tokens")
    check(len(summary.split()) <= 3, "the final summary comes from one last call")
