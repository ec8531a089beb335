"""Similarity: renamed or reformatted copies are found, the shared stub and independent work are not."""

import re

from autograder.similarity import normalized_tokens, similar_pairs
from conftest import REPO

LAB = "lab02_text_statistics"
REFERENCE = (REPO / "reference" / LAB / "solution" / "text_stats.py").read_text()
STUB = (REPO / "assignments" / LAB / "text_stats.py").read_text()


def disguise(source: str) -> str:
    """Rename every local-looking name, re-indent, add comments: what a copier does."""
    renamed = re.sub(r"\b(counts|tokens|text|words|word)\b", lambda m: m.group(1) + "_x", source)
    return "\n".join(line.replace("    ", "  ") + ("  # mine" if line.strip() else "") for line in renamed.splitlines())


def test_tokens_ignore_names_comments_docstrings_and_literals():
    a = 'def f(values):\n    """Sum."""\n    # add one\n    return sum(values) + 1\n'
    b = "def g(xs):\n    return sum(xs) + 2  # different literal, same shape\n"
    assert normalized_tokens(a) == normalized_tokens(b)
    assert "sum" in normalized_tokens(a)  # builtins stay: they carry meaning


def test_a_disguised_copy_is_flagged():
    pairs = similar_pairs({"alice": REFERENCE, "mallory": disguise(REFERENCE), "bob": STUB}, starter=STUB)
    assert [(p.a, p.b) for p in pairs] == [("alice", "mallory")]
    assert pairs[0].similarity >= 0.8


def test_the_stub_and_independent_work_are_not_flagged():
    other = (REPO / "reference" / "lab09_ngram_lm" / "solution" / "ngram_lm.py").read_text()
    assert similar_pairs({"bob": STUB, "dave": STUB, "erin": other, "alice": REFERENCE}, starter=STUB) == []


def test_unparseable_code_is_compared_as_words():
    assert normalized_tokens("def broken(:\n  pass") == ["def", "broken(:", "pass"]
