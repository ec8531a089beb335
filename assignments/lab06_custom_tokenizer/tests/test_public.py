"""Public sanity checks for lab 06 (building a tokenizer with Hugging Face Tokenizers).

Run with ``autograder test lab06_custom_tokenizer`` or
``pytest assignments/lab06_custom_tokenizer``. Passing these does not mean
the hidden tests pass: they also compare every pipeline with the library on
tricky strings, check the trained vocabularies against the trainers, and
compare padding, truncation and the transformers wrapper with
``transformers`` itself.
"""

from __future__ import annotations

import random

from autograder.testing import assert_equal, check

ANIMALS = ["cat", "dog", "horse", "bird", "fish", "mouse", "tiger", "lion"]
VERBS = ["runs", "jumps", "sleeps", "eats", "walks", "hides", "sings", "swims"]
PLACES = ["home", "garden", "river", "forest", "market", "school"]


def small_corpus(n_lines: int = 120) -> list[str]:
    rng = random.Random(0)
    return [
        f"The {rng.choice(ANIMALS)} {rng.choice(VERBS)} to the {rng.choice(PLACES)}, and the "
        f"{rng.choice(ANIMALS)}s {rng.choice(VERBS).removesuffix('s')} {rng.choice(['quickly', 'slowly', 'happily'])}!"
        for _ in range(n_lines)
    ]


def test_uncased_normalizer_strips_accents_and_case(lab):
    """The 'uncased' recipe lower-cases and removes accents."""
    got = lab.normalize("Crème BRÛLÉE", "uncased")
    check(got == "creme brulee", f"normalize('Crème BRÛLÉE', 'uncased') gave {got!r}; did you decompose (NFKD) before StripAccents?")


def test_bert_pre_tokenizer_splits_each_punctuation_mark(lab):
    """The 'bert' pre-tokenizer makes every punctuation character its own piece, with offsets."""
    got = [(piece, tuple(span)) for piece, span in lab.pre_tokenize("Hi!! you", "bert")]
    assert_equal(got, [("Hi", (0, 2)), ("!", (2, 3)), ("!", (3, 4)), ("you", (5, 8))], what="pre_tokenize('Hi!! you', 'bert')")


def test_trained_wordpiece_has_special_tokens_first(lab):
    """A trained WordPiece tokenizer has [PAD]=0 ... [MASK]=4 and no more tokens than asked for."""
    tok = lab.train_tokenizer(small_corpus(), 120)
    for expected_id, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]):
        check(tok.token_to_id(token) == expected_id, f"{token} should have id {expected_id}, got {tok.token_to_id(token)}")
    check(tok.get_vocab_size() <= 120, f"the vocabulary has {tok.get_vocab_size()} entries, more than the 120 asked for")


def test_encode_a_pair(lab):
    """A pair is encoded as [CLS] A [SEP] B [SEP], with type id 1 on the second segment."""
    tok = lab.train_tokenizer(small_corpus(), 120)
    enc = lab.encode(tok, "the cat", "a dog")
    check(enc["tokens"][0] == "[CLS]" and enc["tokens"][-1] == "[SEP]", f"tokens should start with [CLS] and end with [SEP]: {enc['tokens']}")
    first_sep = enc["tokens"].index("[SEP]")
    check(set(enc["type_ids"][: first_sep + 1]) == {0}, f"the first segment should have type id 0: {enc['type_ids']}")
    check(set(enc["type_ids"][first_sep + 1 :]) == {1}, f"the second segment and its [SEP] should have type id 1: {enc['type_ids']}")
    start, end = enc["offsets"][1]
    check("the cat"[start:end] == enc["tokens"][1].removeprefix("##"), "offsets should index the original text")


def test_save_and_load_give_the_same_ids(lab, tmp_path, monkeypatch):
    """save_tokenizer writes a JSON file that load_tokenizer reads back to the same ids."""
    monkeypatch.chdir(tmp_path)
    tok = lab.train_tokenizer(small_corpus(), 120, model="bpe", normalizer="cased", pre_tokenizer="whitespace")
    lab.save_tokenizer(tok, "tok.json")
    check(lab.get_file("tok.json").lstrip().startswith(b"{"), "the saved file should be JSON")
    again = lab.load_tokenizer("tok.json")
    text = "The tiger swims to the market, and the birds sing slowly!"
    assert_equal(lab.encode(again, text)["ids"], lab.encode(tok, text)["ids"], what="ids after save and load")


def test_encode_batch_pads_to_the_longest_row(lab):
    """encode_batch pads with [PAD]=0 on the right and sets the attention mask to 0 there."""
    tok = lab.train_tokenizer(small_corpus(), 120)
    out = lab.encode_batch(tok, ["the cat runs home", "a dog"])
    lengths = {len(row) for row in out["input_ids"]}
    check(len(lengths) == 1, f"all rows should have the same length after padding, got lengths {sorted(lengths)}")
    short_ids, short_mask = out["input_ids"][1], out["attention_mask"][1]
    check(short_ids[-1] == 0 and short_mask[-1] == 0, "the short row should end in [PAD] (id 0) with attention mask 0")
    check(out["attention_mask"][0] == [1] * len(out["input_ids"][0]), "the longest row needs no padding: all its mask is 1")


def test_wrap_as_fast_knows_its_special_tokens(lab):
    """wrap_as_fast sets the pad and mask tokens, so transformers can pad."""
    fast = lab.wrap_as_fast(lab.train_tokenizer(small_corpus(), 120), model_max_length=64)
    check(fast.pad_token_id == 0, f"pad_token_id should be 0, got {fast.pad_token_id}")
    check(fast.mask_token == "[MASK]", f"mask_token should be '[MASK]', got {fast.mask_token}")
    out = fast(["the cat", "a dog runs to the river"], padding=True)
    check(len(out["input_ids"][0]) == len(out["input_ids"][1]), "padding=True should give rows of equal length")
