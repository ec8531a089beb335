"""Public sanity checks for lab 05 (tokenization and byte-level BPE).

Run them with ``autograder test lab05_tokenization`` or
``pytest assignments/lab05_tokenization``. They use the docstrings' examples
and a few small cases; the graded tests are more thorough (nltk's Treebank
tokenizer, a brute-force BPE trainer, HF ``tokenizers`` with the same merges,
random Unicode round trips).
"""

from __future__ import annotations

import pytest

EOT = "<|endoftext|>"


def test_whitespace_tokenize(lab):
    assert lab.whitespace_tokenize("  a\tb\n c  ") == ["a", "b", "c"], "split at any run of whitespace, no empty tokens"


def test_regex_tokenize_docstring_examples(lab):
    result = lab.regex_tokenize("Don't stop!")
    assert result == ["Don", "'", "t", "stop", "!"], f"default pattern (word characters or punctuation runs); got {result}"
    result = lab.regex_tokenize("a, b,,c", r",\s*", gaps=True)
    assert result == ["a", "b", "c"], f"with gaps=True the pattern matches separators; got {result}"


def test_treebank_docstring_example(lab):
    result = lab.treebank_tokenize('"I can\'t go," she said.')
    expected = ["``", "I", "ca", "n't", "go", ",", "''", "she", "said", "."]
    assert result == expected, f"opening quote -> ``, n't split off, comma, closing quote -> '', final period; got {result}"


def test_treebank_keeps_inner_periods(lab):
    result = lab.treebank_tokenize("Mr. Smith paid $3.50. Thanks.")
    assert result == ["Mr.", "Smith", "paid", "$", "3.50.", "Thanks", "."], f"only the final period is split off; got {result}"


def test_pretokenize_docstring_examples(lab):
    result = lab.pretokenize("Hello  world's 42!")
    assert result == ["Hello", " ", " world", "'s", " 42", "!"], f"GPT-2 pattern: spaces stay with the next word; got {result}"
    result = lab.pretokenize("a<|eot|>b", ["<|eot|>"])
    assert result == ["a", "<|eot|>", "b"], f"special tokens are kept whole; got {result}"
    assert lab.pretokenize("") == [], "empty text has no pieces"


def test_train_bpe_small_example(lab):
    vocab, merges = lab.train_bpe("the cat sat on the mat", 256 + 3)
    merges = [tuple(m) for m in merges]
    # (a, t) occurs 3 times; then (t, h) and (h, e) both occur twice: the greatest pair, (t, h), wins.
    assert merges == [(b"a", b"t"), (b"t", b"h"), (b"th", b"e")], f"got {merges}"
    assert vocab[256] == b"at" and vocab[ord("x")] == b"x", "vocab: single bytes at 0..255, merges from 256"
    assert len(vocab) == 259, f"vocab should have 256 + 3 entries, got {len(vocab)}"


def test_train_bpe_bad_vocab_size(lab):
    with pytest.raises(ValueError):
        lab.train_bpe("abc", 200)


def test_apply_merges_docstring_examples(lab):
    result = lab.apply_merges(b"abc", [(b"b", b"c"), (b"a", b"b")])
    assert list(result) == [b"a", b"bc"], f"the lowest-rank pair is merged first; got {result}"
    result = lab.apply_merges(b"aaaaa", [(b"a", b"a")])
    assert list(result) == [b"aa", b"aa", b"a"], f"all occurrences, left to right, without overlap; got {result}"


def test_encode_decode_round_trip(lab):
    vocab, merges = lab.train_bpe("low lower lowest newer wider new " * 5, 256 + 20, [EOT])
    tok = lab.BPETokenizer(vocab, merges, [EOT])
    text = f"lowest newer{EOT} café 🙂 東京"
    ids = tok.encode(text)
    assert all(isinstance(i, int) for i in ids), "encode returns a list of ints"
    assert ids.count(max(vocab)) == 1, "the special token is encoded as its single id (the last id of train_bpe's vocab)"
    assert tok.decode(ids) == text, "decode(encode(text)) should give the text back"
    assert len(ids) < len(text.encode()), "merges should make the text shorter than one token per byte"


def test_decode_replaces_invalid_utf8(lab):
    vocab, merges = lab.train_bpe("abc", 256)
    tok = lab.BPETokenizer(vocab, merges)
    assert tok.decode([0x61, 0xFF, 0x62]) == "a\ufffdb", "invalid UTF-8 bytes become U+FFFD"


def test_bpe_encode_matches_tokenizer(lab):
    vocab, merges = lab.train_bpe("the cat sat on the mat", 256 + 5)
    text = "the mat sat"
    assert lab.bpe_encode(text, vocab, merges) == lab.BPETokenizer(vocab, merges).encode(text), "bpe_encode = BPETokenizer(...).encode"
