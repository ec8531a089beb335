"""Hidden tests for lab 06 (building a tokenizer with Hugging Face Tokenizers).

Oracles: the same libraries, driven by the tests.
* Components: normalizers / pre-tokenizers / decoders the tests build from
  the documented recipes, run on tricky strings (accents, case, full-width
  and compatibility characters, whitespace, control characters, CJK, emoji).
* Training: tokenizers the tests train themselves with the documented
  trainer settings on the same corpus. BPE training is deterministic, so
  its vocabulary and merges must be identical; WordPiece (tie order) and
  Unigram (ids of equal scores) are not, so their vocabularies are compared
  as sets with a tolerance, and their ids are not compared at all.
* Files: the student's ``tokenizer.json`` is read back with
  ``lab.get_file`` and loaded here with ``tokenizers.Tokenizer.from_str``.
* Encoding, padding, truncation: tokenizers trained HERE are handed to the
  student's code as ``tokenizer.json`` files (``lab.put_file`` +
  ``load_tokenizer``), so those tests do not depend on the student's
  training, and results are compared with ``tokenizers`` /
  ``transformers.PreTrainedTokenizerFast`` on the same file.
All texts are generated here from fixed seeds or written below.
"""

from __future__ import annotations

import json
import random

import pytest
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import PreTrainedTokenizerFast

from autograder.testing import assert_equal, check

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID = range(5)

# ---- the documented recipes, built here -------------------------------------------------------------


def make_normalizer(name: str):
    return {
        "cased": lambda: normalizers.NFKC(),
        "uncased": lambda: normalizers.Sequence([normalizers.NFKD(), normalizers.Lowercase(), normalizers.StripAccents()]),
        "bert": lambda: normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True),
    }[name]()


def make_pre_tokenizer(name: str):
    return {
        "whitespace": lambda: pre_tokenizers.Whitespace(),
        "bert": lambda: pre_tokenizers.BertPreTokenizer(),
        "byte_level": lambda: pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        "metaspace": lambda: pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True),
    }[name]()


def make_decoder(model: str, pre_tokenizer: str):
    if pre_tokenizer == "byte_level":
        return decoders.ByteLevel()
    if pre_tokenizer == "metaspace":
        return decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    if model == "wordpiece":
        return decoders.WordPiece(prefix="##", cleanup=True)
    return None


def bert_template(cls_id: int = CLS_ID, sep_id: int = SEP_ID):
    return processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)]
    )


def oracle_train(lines: list[str], vocab_size: int, model: str, normalizer: str, pre_tokenizer: str, post: bool = True) -> Tokenizer:
    if model == "bpe":
        tok = Tokenizer(models.BPE(unk_token="[UNK]"))
        alphabet = pre_tokenizers.ByteLevel.alphabet() if pre_tokenizer == "byte_level" else []
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size, min_frequency=2, special_tokens=SPECIAL_TOKENS, initial_alphabet=alphabet, show_progress=False
        )
    elif model == "wordpiece":
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]", continuing_subword_prefix="##"))
        trainer = trainers.WordPieceTrainer(
            vocab_size=vocab_size, min_frequency=2, special_tokens=SPECIAL_TOKENS, continuing_subword_prefix="##", show_progress=False
        )
    else:
        tok = Tokenizer(models.Unigram())
        trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS, unk_token="[UNK]", show_progress=False)
    tok.normalizer = make_normalizer(normalizer)
    tok.pre_tokenizer = make_pre_tokenizer(pre_tokenizer)
    decoder = make_decoder(model, pre_tokenizer)
    if decoder is not None:
        tok.decoder = decoder
    tok.train_from_iterator(lines, trainer=trainer)
    if post:
        tok.post_processor = bert_template()
    return tok


RECIPES = {
    "wordpiece": dict(model="wordpiece", normalizer="uncased", pre_tokenizer="bert"),
    "bpe_byte_level": dict(model="bpe", normalizer="cased", pre_tokenizer="byte_level"),
    "unigram": dict(model="unigram", normalizer="uncased", pre_tokenizer="metaspace"),
    "bpe_whitespace": dict(model="bpe", normalizer="bert", pre_tokenizer="whitespace"),
}
VOCAB_SIZES = {"wordpiece": 600, "bpe_byte_level": 600, "unigram": 500, "bpe_whitespace": 500}

# ---- the corpus -------------------------------------------------------------------------------------

FUNCTION_WORDS = (
    "the of and to a in is it you that he was for on are with as his they be at one have this from or had by "
    "but what some we can out other were all there when up your how said an each she which do their if will"
).split()
STEMS = (
    "play read work token count form build train learn teach model word write speak walk talk look help start turn "
    "open close move load code test print sort merge split join parse match score label clean shape cook paint "
    "jump climb follow answer order cover park rain snow kind friend hope care use change"
).split()
PREFIXES = ["", "", "", "re", "un", "pre", "over"]
SUFFIXES = ["", "", "s", "ed", "ing", "er", "ers", "able", "ness", "ful", "ly"]
SPICE = [
    "Café", "naïve", "ÉCOLE", "Zürich", "résumé", "don't", "it's", "東京", "日本語", "Москва", "ﬁne", "Ｆｕｌｌ",
    "42", "3.14", "2024", "U.S.A.", "C++", "e-mail", "…", "İstanbul", "Straße",
]
PUNCTUATION = [".", ",", "!", "?", ";", ":", "..."]


def make_corpus(seed: int, n_lines: int) -> list[str]:
    """English-like lines: function words, stems with prefixes/suffixes (so subwords pay off), some spice."""
    rng = random.Random(seed)
    stems = STEMS[:]
    rng.shuffle(stems)
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(stems))]
    lines = []
    for _ in range(n_lines):
        words = []
        for _ in range(rng.randint(5, 16)):
            r = rng.random()
            if r < 0.45:
                word = rng.choice(FUNCTION_WORDS)
            elif r < 0.95:
                word = rng.choice(PREFIXES) + rng.choices(stems, weights)[0] + rng.choice(SUFFIXES)
            else:
                word = rng.choice(SPICE)
            words.append(word.capitalize() if rng.random() < 0.12 else word)
        line = words[0].capitalize()
        for word in words[1:]:
            line += (rng.choice(PUNCTUATION) if rng.random() < 0.1 else "") + " " + word
        lines.append(line + rng.choice(PUNCTUATION))
    return lines


CORPUS = make_corpus(seed=6, n_lines=400)

SENTENCES = [
    "Replaying the tokenizers, the models learned overlearning quickly.",
    "Café owners in Zürich don't PRE-TRAIN their naïve models…",
    "ﬁne Ｆｕｌｌ-width text, İstanbul and Straße: 東京 日本語!",
    "short",
    "",
    "   spaces   around   words   ",
    "Numbers 3.14 and 2024, e-mail the U.S.A. team (unmodelable).",
    "The helpers were unhelpful and overcooked the painted labels; kindness helps.",
]
PAIRS = [
    "What did the models learn?",
    "A second segment that is quite a bit longer than the first one was.",
    "x",
    "Rewriting, reloading and reprinting: the workers' answers.",
    "",
    "one",
    "Überlänge",
    "Splits merge tokens.",
]


@pytest.fixture(scope="module")
def oracles() -> dict[str, Tokenizer]:
    """Tokenizers trained here with the documented recipes (post-processor included)."""
    return {recipe: oracle_train(CORPUS, VOCAB_SIZES[recipe], **kw) for recipe, kw in RECIPES.items()}


def load_oracle(lab, oracle: Tokenizer, tmp_path, name: str):
    """Hand a tokenizer trained here to the student's code as a tokenizer.json file; return the handle."""
    path = tmp_path / f"{name}.json"
    path.write_text(oracle.to_str(), encoding="utf-8")
    return lab.load_tokenizer(lab.put_file(path))


def fresh(name: str) -> str:
    """A copy of ``name`` built at run time: a correct solution compares names with ``==``, never ``is``."""
    return "".join(list(name))


def student_trained(lab, recipe: str):
    """The student's train_tokenizer for ``recipe``: (handle, its JSON text).

    Trained in each test that needs it (training takes a fraction of a
    second), with the names and arguments passed by keyword and the corpus as
    a tuple (any sequence of strings is allowed)."""
    kw = {key: fresh(value) for key, value in RECIPES[recipe].items()}
    handle = lab.train_tokenizer(lines=tuple(CORPUS), vocab_size=VOCAB_SIZES[recipe], **kw)
    return handle, handle.to_str()


# ---- 1. components ---------------------------------------------------------------------------------

NORMALIZER_CASES = {
    "accents and case": "Café ÉCOLE naïve Zürich résumé",
    "decomposed accents": "e\u0301cole vs \u00e9cole, A\u030angstro\u0308m",
    "full-width": "Ｆｕｌｌ-width ＡＢＣ ｘｙｚ １２３",
    "compatibility characters": "ﬁne ﬂow ½ x² … ℃ ㎏",
    "special case mappings": "İstanbul Straße ΣΑΣ ÅNGSTRÖM",
    "CJK": "東京タワー 中文字符 한국어",
    "whitespace": "tabs\tand\nnew  lines\u00a0nbsp\u2003em",
    "control and format characters": "control\x00chars\x07 and \u200bzero width",
    "emoji and symbols": "emoji 🙂👩\u200d💻 and © ™",
    "punctuation": "Don't STOP!!! e-mail: a@b.com (3.14)",
}


@pytest.mark.points(2)
@pytest.mark.parametrize("name", ["cased", "uncased", "bert"])
def test_normalizer_pipelines(lab, name):
    """normalize() follows the documented normalizer pipeline on tricky strings (accents, case, NFKC/NFKD, CJK, controls)."""
    reference = make_normalizer(name)
    for case, text in NORMALIZER_CASES.items():
        got = lab.normalize(text, fresh(name))
        check(isinstance(got, str), f"normalize(..., {name!r}) should return a str")
        check(got == reference.normalize_str(text), f"normalize(..., {name!r}) is wrong on the '{case}' example")


@pytest.mark.points(1)
def test_normalizers_by_hand(lab):
    """The uncased pipeline strips accents and folds full-width letters; cased keeps case and accents."""
    assert_equal(lab.normalize("Café ÉCOLE", "uncased"), "cafe ecole", what="normalize('Café ÉCOLE', 'uncased')")
    assert_equal(lab.normalize("Ｃａｆé ﬁ", "uncased"), "cafe fi", what="normalize('Ｃａｆé ﬁ', 'uncased')")
    assert_equal(lab.normalize("Ｃａｆé ﬁ", "cased"), "Café fi", what="normalize('Ｃａｆé ﬁ', 'cased')")


PRE_TOKENIZER_CASES = {
    "punctuation": "Hello, world! Don't panic... (really?!)",
    "spaces": "  leading and   multiple   spaces  ",
    "tabs and newlines": "tabs\tand\nnewlines\r\nend",
    "numbers and symbols": "snake_case x2 3.14 $100 50% a/b C++ e-mail",
    "accents": "naïve café Zürich",
    "CJK": "東京タワー 中文 한국어",
    "emoji": "emoji🙂 👩\u200d💻!",
    "empty": "",
    "only punctuation": "?!...",
}


@pytest.mark.points(1)
@pytest.mark.parametrize("name", ["whitespace", "bert", "byte_level", "metaspace"])
def test_pre_tokenizer_pipelines(lab, name):
    """pre_tokenize() gives the documented pre-tokenizer's pieces and offsets on tricky strings."""
    reference = make_pre_tokenizer(name)
    for case, text in PRE_TOKENIZER_CASES.items():
        got = lab.pre_tokenize(text, fresh(name))
        check(isinstance(got, list), f"pre_tokenize(..., {name!r}) should return a list")
        got = [(piece, tuple(span)) for piece, span in got]
        assert_equal(got, reference.pre_tokenize_str(text), what=f"pre_tokenize(..., {name!r}) on the '{case}' example")


# unknown names that sort before, between and after the recipe names (a solution compares names with ==)
UNKNOWN_NAMES = ["", "a", "bertx", "byte", "c", "lowercase", "n", "space", "uncasedx", "unigramx", "whitespacex", "z", "BERT"]


@pytest.mark.points(2)
def test_unknown_recipe_names_raise(lab):
    """Unknown normalizer, pre-tokenizer and model names raise ValueError in every function that takes a name."""
    assert_equal(lab.normalize("Text", fresh("uncased")), "text", what="normalize('Text', 'uncased')")
    check(len(lab.pre_tokenize("a b", fresh("whitespace"))) == 2, "pre_tokenize('a b', 'whitespace') should give two pieces")
    lab.build_tokenizer(fresh("wordpiece"), fresh("uncased"), fresh("bert"))
    for bad in UNKNOWN_NAMES:
        with pytest.raises(ValueError):
            lab.normalize("text", fresh(bad))
        with pytest.raises(ValueError):
            lab.pre_tokenize("text", fresh(bad))
        with pytest.raises(ValueError):
            lab.build_tokenizer(fresh(bad), "uncased", "bert")
        with pytest.raises(ValueError):
            lab.build_tokenizer("wordpiece", fresh(bad), "bert")
        with pytest.raises(ValueError):
            lab.build_tokenizer("bpe", "cased", fresh(bad))
        with pytest.raises(ValueError):
            lab.build_decoder(fresh(bad), "bert")
        with pytest.raises(ValueError):
            lab.build_decoder("wordpiece", fresh(bad))
    for bad in ("sentencepiece", "z", "a"):
        with pytest.raises(ValueError):
            lab.train_tokenizer(CORPUS[:50], 100, model=bad)
        with pytest.raises(ValueError):
            lab.train_tokenizer(CORPUS[:50], 100, normalizer=bad)
        with pytest.raises(ValueError):
            lab.train_tokenizer(CORPUS[:50], 100, pre_tokenizer=bad)


DECODER_TOKENS = [
    ["re", "##play", "##ing", ",", "the", "##s", "mod", "##el", "."],
    ["\u2581hello", "\u2581wor", "ld", "!", "\u2581", "\u2581x"],
    ["Hello", "Ġw", "or", "ld", "Ãł", "Ġcaf", "Ã©", "Ġ", "Ġ!"],
]


@pytest.mark.points(2)
def test_build_decoder(lab):
    """build_decoder picks ByteLevel / Metaspace / WordPiece('##') decoders by precedence, or None."""
    combos = [("wordpiece", "bert"), ("wordpiece", "whitespace"), ("bpe", "byte_level"), ("wordpiece", "byte_level"),
              ("unigram", "metaspace"), ("wordpiece", "metaspace")]
    for model, pre in combos:
        decoder = lab.build_decoder(fresh(model), fresh(pre))
        check(decoder is not None, f"build_decoder({model!r}, {pre!r}) returned None")
        expected = make_decoder(model, pre)
        for setting in DECODER_SETTINGS.get(decoder_json(expected)["type"], ()):
            check(getattr(decoder, setting) == getattr(expected, setting),
                  f"build_decoder({model!r}, {pre!r}): the decoder's {setting!r} setting is not the documented one")
        for i, tokens in enumerate(DECODER_TOKENS):
            check(decoder.decode(tokens) == expected.decode(tokens),
                  f"build_decoder({model!r}, {pre!r}) decodes token list #{i} differently from the documented decoder")
    for model, pre in [("bpe", "whitespace"), ("unigram", "bert"), ("bpe", "bert"), ("unigram", "whitespace")]:
        check(lab.build_decoder(fresh(model), fresh(pre)) is None, f"build_decoder({model!r}, {pre!r}) should be None")


DECODER_SETTINGS = {"Metaspace": ("replacement", "prepend_scheme", "split"), "WordPiece": ("prefix", "cleanup")}


def decoder_json(decoder) -> dict | None:
    """A decoder's settings, as the library serialises them in tokenizer.json."""
    if decoder is None:
        return None
    tok = Tokenizer(models.BPE())
    tok.decoder = decoder
    return json.loads(tok.to_str())["decoder"]


def check_components(tok: Tokenizer, recipe: dict, what: str) -> None:
    """The tokenizer's normalizer, pre-tokenizer and decoder behave as the recipe's."""
    normalizer = make_normalizer(recipe["normalizer"])
    check(tok.normalizer is not None, f"{what}: no normalizer")
    for case, text in NORMALIZER_CASES.items():
        check(tok.normalizer.normalize_str(text) == normalizer.normalize_str(text),
              f"{what}: the normalizer is not the '{recipe['normalizer']}' one (differs on the '{case}' example)")
    pre = make_pre_tokenizer(recipe["pre_tokenizer"])
    check(tok.pre_tokenizer is not None, f"{what}: no pre-tokenizer")
    for case, text in PRE_TOKENIZER_CASES.items():
        check(tok.pre_tokenizer.pre_tokenize_str(text) == pre.pre_tokenize_str(text),
              f"{what}: the pre-tokenizer is not the '{recipe['pre_tokenizer']}' one (differs on the '{case}' example)")
    decoder = make_decoder(recipe["model"], recipe["pre_tokenizer"])
    if decoder is None:
        check(tok.decoder is None, f"{what}: there should be no decoder")
    else:
        check(tok.decoder is not None, f"{what}: no decoder")
        for i, tokens in enumerate(DECODER_TOKENS):
            check(tok.decoder.decode(tokens) == decoder.decode(tokens), f"{what}: the decoder is wrong (token list #{i})")


MODEL_TYPES = {"bpe": "BPE", "wordpiece": "WordPiece", "unigram": "Unigram"}


@pytest.mark.points(2)
def test_build_tokenizer_wires_components(lab):
    """build_tokenizer sets the model ([UNK], '##'), normalizer, pre-tokenizer and decoder, and no post-processor."""
    combos = [
        dict(model="wordpiece", normalizer="uncased", pre_tokenizer="bert"),
        dict(model="bpe", normalizer="cased", pre_tokenizer="byte_level"),
        dict(model="unigram", normalizer="bert", pre_tokenizer="metaspace"),
        dict(model="bpe", normalizer="uncased", pre_tokenizer="whitespace"),
    ]
    for combo in combos:
        what = "build_tokenizer({model!r}, {normalizer!r}, {pre_tokenizer!r})".format(**combo)
        data = json.loads(lab.build_tokenizer(fresh(combo["model"]), fresh(combo["normalizer"]), fresh(combo["pre_tokenizer"])).to_str())
        assert_equal(data["decoder"], decoder_json(make_decoder(combo["model"], combo["pre_tokenizer"])), what=f"{what}: the decoder's settings")
        check(data["model"]["type"] == MODEL_TYPES[combo["model"]], f"{what}: wrong model type")
        if combo["model"] != "unigram":
            check(data["model"].get("unk_token") == "[UNK]", f"{what}: the model's unk_token should be [UNK]")
        if combo["model"] == "wordpiece":
            check(data["model"].get("continuing_subword_prefix") == "##", f"{what}: the continuing subword prefix should be '##'")
        check(data["post_processor"] is None, f"{what}: an untrained tokenizer should have no post-processor yet")
        check_components(Tokenizer.from_str(json.dumps(data)), combo, what)


# ---- 2. training -----------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("recipe", list(RECIPES))
def test_special_tokens_have_fixed_ids(lab, recipe):
    """After training, [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4 are special tokens of the vocabulary."""
    _, text = student_trained(lab, recipe)
    tok = Tokenizer.from_str(text)
    for expected_id, token in enumerate(SPECIAL_TOKENS):
        check(tok.token_to_id(token) == expected_id, f"{recipe}: {token} should have id {expected_id}")
        check(tok.id_to_token(expected_id) == token, f"{recipe}: id {expected_id} should be {token}")
    special = {t["content"]: t["id"] for t in json.loads(text)["added_tokens"] if t.get("special")}
    check(special == {t: i for i, t in enumerate(SPECIAL_TOKENS)},
          f"{recipe}: the five special tokens should be registered as special tokens (trainer special_tokens)")
    ids = tok.encode("the [MASK] was [SEP] trained", add_special_tokens=False).ids
    check(MASK_ID in ids and SEP_ID in ids, f"{recipe}: [MASK] / [SEP] inside a text should be recognised as single tokens")


@pytest.mark.points(1)
@pytest.mark.parametrize("recipe", list(RECIPES))
def test_vocab_size_is_respected(lab, recipe):
    """The trained vocabulary has exactly vocab_size entries, special tokens included."""
    handle = lab.train_tokenizer(CORPUS, VOCAB_SIZES[recipe], **RECIPES[recipe])  # the names as written here
    text = handle.to_str()
    size = VOCAB_SIZES[recipe]
    assert_equal(Tokenizer.from_str(text).get_vocab_size(), size, what=f"{recipe}: the vocabulary size")
    assert_equal(handle.get_vocab_size(), size, what=f"{recipe}: get_vocab_size() of the returned tokenizer")


@pytest.mark.points(2)
@pytest.mark.parametrize("recipe", ["bpe_byte_level", "bpe_whitespace"])
def test_bpe_training_matches_library(lab, oracles, recipe):
    """BPE training is deterministic: the vocabulary and merges equal the documented BpeTrainer's."""
    _, text = student_trained(lab, recipe)
    model = json.loads(text)["model"]
    expected = json.loads(oracles[recipe].to_str())["model"]
    check(model["type"] == "BPE", f"{recipe}: the model should be BPE")
    check(model["vocab"] == expected["vocab"], f"{recipe}: the vocabulary differs from BpeTrainer's with the documented settings")
    check([tuple(m) for m in model["merges"]] == [tuple(m) for m in expected["merges"]],
          f"{recipe}: the merges differ from BpeTrainer's with the documented settings")


def vocab_tokens(text: str) -> set[str]:
    return set(Tokenizer.from_str(text).get_vocab())


@pytest.mark.points(2)
@pytest.mark.parametrize("recipe", ["wordpiece", "unigram"])
def test_vocabulary_matches_library(lab, oracles, recipe):
    """WordPiece / Unigram: the model type is right and the learned token set matches the library trainer's (Jaccard >= 0.9)."""
    _, text = student_trained(lab, recipe)
    check(json.loads(text)["model"]["type"] == MODEL_TYPES[RECIPES[recipe]["model"]], f"{recipe}: wrong model type")
    got, expected = vocab_tokens(text), set(oracles[recipe].get_vocab())
    check(len(got & expected) >= 0.9 * len(got | expected),
          f"{recipe}: the learned vocabulary is far from the documented trainer's on the same corpus")


@pytest.mark.points(3)
def test_wordpiece_marks_continuations(lab):
    """WordPiece: pieces after the first of a word carry '##', and decoding glues them back."""
    handle, text = student_trained(lab, "wordpiece")
    tok = Tokenizer.from_str(text)
    vocab = tok.get_vocab()
    continuation = [t for t in vocab if t.startswith("##")]
    check(len(continuation) >= 100, "the WordPiece vocabulary should hold many '##' continuation pieces")
    check(json.loads(text)["model"].get("continuing_subword_prefix") == "##", "the WordPiece model's prefix should be '##'")
    for line in CORPUS[:40]:
        enc = tok.encode(line, add_special_tokens=False)
        previous = None
        for token, word in zip(enc.tokens, enc.word_ids):
            if token == "[UNK]":
                previous = word
                continue
            continues = word == previous
            check(token.startswith("##") == continues,
                  "a WordPiece token should start with '##' exactly when it continues the previous token's word")
            previous = word
    assert_equal(tok.decode(tok.encode("replaying overlearning").ids), "replaying overlearning",
                 what="decoding a WordPiece encoding of 'replaying overlearning'")


@pytest.mark.points(1)
@pytest.mark.parametrize("recipe", list(RECIPES))
def test_trained_pipeline_components(lab, recipe):
    """The trained tokenizer's normalizer, pre-tokenizer and decoder are the recipe's."""
    _, text = student_trained(lab, recipe)
    check_components(Tokenizer.from_str(text), RECIPES[recipe], f"{recipe}")


@pytest.mark.points(2)
def test_byte_level_round_trip_is_lossless(lab):
    """Byte-level BPE knows all 256 bytes: any (NFKC-normal) text, even unseen scripts and emoji, decodes back exactly."""
    handle, text = student_trained(lab, "bpe_byte_level")
    tok = Tokenizer.from_str(text)
    check(all(ch in tok.get_vocab() for ch in pre_tokenizers.ByteLevel.alphabet()),
          "the byte-level vocabulary should contain all 256 byte characters (initial_alphabet)")
    for sample in ["Ωμέγα 🙂 ψ ∑ ∞ — ¿qué? Ñandú", "tabs\tand\nnewlines  spaced", "Replaying the models... Ελλάδα"]:
        ids = tok.encode(sample, add_special_tokens=False).ids
        check(UNK_ID not in ids, "byte-level BPE should never need [UNK]")
        assert_equal(tok.decode(ids), sample, what="decode(encode(text)) with the byte-level tokenizer")


@pytest.mark.points(2)
def test_train_rejects_bad_input(lab):
    """train_tokenizer raises ValueError for an empty corpus or a vocab_size <= 5; vocab_size = 6 is allowed."""
    small = lab.train_tokenizer(tuple(CORPUS[:20]), 6, model="bpe", normalizer="cased", pre_tokenizer="whitespace")
    expected = oracle_min_frequency(CORPUS[:20], 6, 2, "bpe", "cased", "whitespace")
    check(set(Tokenizer.from_str(small.to_str()).get_vocab()) == set(expected.get_vocab()),
          "train_tokenizer with vocab_size=6 (the smallest allowed): the vocabulary differs from BpeTrainer's (the alphabet only)")
    with pytest.raises(ValueError):
        lab.train_tokenizer([], 100)
    with pytest.raises(ValueError):
        lab.train_tokenizer((), 100)
    for size in (5, 4, 0):
        with pytest.raises(ValueError):
            lab.train_tokenizer(CORPUS[:20], size)


SMALL_CORPUS = make_corpus(seed=16, n_lines=60)


@pytest.mark.points(1)
@pytest.mark.parametrize("model", ["bpe", "wordpiece"])
def test_min_frequency(lab, model):
    """min_frequency (default 2) goes to the trainer: a small corpus with a large vocab_size stops where pairs get too rare."""
    recipe = dict(model=model, normalizer="cased", pre_tokenizer="bert" if model == "bpe" else "whitespace")
    for min_frequency in (None, 1, 3):
        kwargs = {} if min_frequency is None else {"min_frequency": min_frequency}
        handle = lab.train_tokenizer(SMALL_CORPUS, 3000, **recipe, **kwargs)
        expected = oracle_min_frequency(SMALL_CORPUS, 3000, 2 if min_frequency is None else min_frequency, **recipe)
        got = set(Tokenizer.from_str(handle.to_str()).get_vocab())
        what = f"{model} with min_frequency={'the default' if min_frequency is None else min_frequency}"
        if model == "bpe":
            check(got == set(expected.get_vocab()), f"{what}: the vocabulary differs from the trainer's with that min_frequency")
        else:  # WordPiece's ties make the token set vary a little between runs; its size does not (1 to 3 %)
            want = expected.get_vocab_size()
            check(abs(len(got) - want) <= 0.03 * want + 2, f"{what}: the vocabulary size is far from the trainer's with that min_frequency")


def oracle_min_frequency(lines, vocab_size, min_frequency, model, normalizer, pre_tokenizer) -> Tokenizer:
    if model == "bpe":
        tok = Tokenizer(models.BPE(unk_token="[UNK]"))
        trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=SPECIAL_TOKENS, show_progress=False)
    else:
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]", continuing_subword_prefix="##"))
        trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=SPECIAL_TOKENS,
                                            continuing_subword_prefix="##", show_progress=False)
    tok.normalizer = make_normalizer(normalizer)
    tok.pre_tokenizer = make_pre_tokenizer(pre_tokenizer)
    tok.train_from_iterator(lines, trainer=trainer)
    return tok


# ---- 3. post-processor -------------------------------------------------------------------------------


def untrained_post(lab, oracles, tmp_path, name="no_post"):
    tok = Tokenizer.from_str(oracles["wordpiece"].to_str())
    tok.post_processor = None
    handle = load_oracle(lab, tok, tmp_path, name)
    return lab.add_bert_post_processor(handle), tok


@pytest.mark.points(2)
def test_post_processor_single(lab, oracles, tmp_path):
    """add_bert_post_processor: one text becomes [CLS] text [SEP], all type id 0, special-tokens mask on the ends."""
    handle, tok = untrained_post(lab, oracles, tmp_path)
    tok.post_processor = bert_template()
    for text in SENTENCES:
        got, expected = handle.encode(text), tok.encode(text)
        assert_equal(got.tokens, expected.tokens, what="tokens of a single text")
        assert_equal(got.ids, expected.ids, what="ids of a single text")
        assert_equal(got.type_ids, expected.type_ids, what="type ids of a single text")
        assert_equal(got.special_tokens_mask, expected.special_tokens_mask, what="special-tokens mask of a single text")


@pytest.mark.points(3)
def test_post_processor_pair_type_ids(lab, oracles, tmp_path):
    """A pair becomes [CLS] A [SEP] B [SEP] with type id 1 on the second segment and its [SEP]."""
    handle, tok = untrained_post(lab, oracles, tmp_path)
    tok.post_processor = bert_template()
    for text, pair in zip(SENTENCES, PAIRS):
        got, expected = handle.encode(text, pair), tok.encode(text, pair)
        assert_equal(got.tokens, expected.tokens, what="tokens of a pair")
        assert_equal(got.type_ids, expected.type_ids, what="type ids of a pair")
        assert_equal(got.special_tokens_mask, expected.special_tokens_mask, what="special-tokens mask of a pair")
        assert_equal(got.offsets, expected.offsets, what="offsets of a pair")


@pytest.mark.points(2)
def test_post_processor_uses_vocabulary_ids(lab, tmp_path):
    """add_bert_post_processor takes the ids of [CLS]/[SEP] from the vocabulary, sets them on the tokenizer given, and raises ValueError without them."""
    vocab = {"[UNK]": 0, "hello": 1, "world": 2, "[PAD]": 3, "there": 4, "[MASK]": 5, "[CLS]": 7, "[SEP]": 9}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    given = load_oracle(lab, tok, tmp_path, "word_level")
    handle = lab.add_bert_post_processor(given)
    assert_equal(handle.encode("hello there", "world").ids, [7, 1, 4, 9, 2, 9], what="ids of a pair with [CLS]=7, [SEP]=9")
    assert_equal(given.encode("hello", "world").ids, [7, 1, 9, 2, 9],
                 what="the tokenizer given to add_bert_post_processor (it gets the post-processor itself)")
    for missing in ("[CLS]", "[SEP]"):
        bare = Tokenizer(models.WordLevel({t: i for t, i in vocab.items() if t != missing}, unk_token="[UNK]"))
        with pytest.raises(ValueError):
            lab.add_bert_post_processor(load_oracle(lab, bare, tmp_path, f"no_{missing[1:4].lower()}"))


# ---- 4. files ----------------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("recipe", ["wordpiece", "unigram"])
def test_saved_file_reloads_to_identical_ids(lab, recipe, tmp_path, monkeypatch):
    """save_tokenizer writes tokenizer.json; loaded here and by load_tokenizer it gives identical ids."""
    handle, _ = student_trained(lab, recipe)
    monkeypatch.chdir(tmp_path)  # in-process mode: "tok.json" lands here
    lab.save_tokenizer(handle, f"{recipe}_tok.json")
    raw = lab.get_file(f"{recipe}_tok.json")
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        data = None
    check(isinstance(data, dict) and "model" in data, "the saved file is not a tokenizer.json (JSON with a 'model')")
    here = Tokenizer.from_str(raw.decode("utf-8"))
    again = lab.load_tokenizer(f"{recipe}_tok.json")
    for text, pair in zip(SENTENCES, PAIRS):
        original = handle.encode(text, pair)
        check(here.encode(text, pair).ids == original.ids, f"{recipe}: the saved file, loaded with Tokenizer.from_str, gives other ids")
        check(again.encode(text, pair).ids == original.ids, f"{recipe}: load_tokenizer of the saved file gives other ids")


@pytest.mark.points(2)
def test_load_tokenizer_reads_any_file(lab, oracles, tmp_path):
    """load_tokenizer reads a tokenizer.json written elsewhere (here: by the tests)."""
    handle = load_oracle(lab, oracles["bpe_byte_level"], tmp_path, "any")
    assert_equal(handle.get_vocab_size(), oracles["bpe_byte_level"].get_vocab_size(), what="vocabulary size after loading")
    for text in SENTENCES:
        assert_equal(handle.encode(text).ids, oracles["bpe_byte_level"].encode(text).ids, what="ids after loading")


# ---- 5. encoding and decoding ----------------------------------------------------------------------------

ENCODE_KEYS = ["ids", "tokens", "type_ids", "offsets", "special_tokens_mask", "attention_mask", "word_ids"]


def expected_encoding(tok: Tokenizer, text: str, pair: str | None, add_special_tokens: bool = True) -> dict:
    e = tok.encode(text, pair, add_special_tokens=add_special_tokens)
    return {"ids": e.ids, "tokens": e.tokens, "type_ids": e.type_ids, "offsets": [tuple(o) for o in e.offsets],
            "special_tokens_mask": e.special_tokens_mask, "attention_mask": e.attention_mask, "word_ids": e.word_ids}


def check_encoding(got, expected: dict, what: str) -> None:
    check(isinstance(got, dict), f"{what}: encode should return a dict")
    assert_equal(sorted(got), sorted(ENCODE_KEYS), what=f"{what}: the keys of encode's result")
    for key in ENCODE_KEYS:
        value = [tuple(o) for o in got[key]] if key == "offsets" else got[key]
        assert_equal(value, expected[key], what=f"{what}: '{key}'")


@pytest.mark.points(1)
@pytest.mark.parametrize("recipe", list(RECIPES))
def test_encode_matches_library(lab, oracles, recipe, tmp_path):
    """encode() returns the library's ids, tokens, type ids, offsets, masks and word ids, with and without a pair."""
    tok = oracles[recipe]
    handle = load_oracle(lab, tok, tmp_path, recipe)
    for i, (text, pair) in enumerate(zip(SENTENCES, PAIRS)):
        check_encoding(lab.encode(handle, text), expected_encoding(tok, text, None), f"{recipe}, text #{i}")
        check_encoding(lab.encode(handle, text, pair), expected_encoding(tok, text, pair), f"{recipe}, pair #{i}")
    check_encoding(lab.encode(handle, SENTENCES[0], PAIRS[0], add_special_tokens=False),
                   expected_encoding(tok, SENTENCES[0], PAIRS[0], add_special_tokens=False),
                   f"{recipe}, add_special_tokens=False")
    check_encoding(lab.encode(tokenizer=handle, text=SENTENCES[1], pair=PAIRS[1]),
                   expected_encoding(tok, SENTENCES[1], PAIRS[1]), f"{recipe}, arguments passed by name")
    check_encoding(lab.encode(handle, SENTENCES[2], None, add_special_tokens=False),
                   expected_encoding(tok, SENTENCES[2], None, add_special_tokens=False), f"{recipe}, one text, add_special_tokens=False")


OFFSET_TEXT = "ＦＵＬＬ ﬁne CAFÉ… naïvely REPLAYING İstanbul ½ Straße 東京; Overlearning, RÉSUMÉ!"


@pytest.mark.points(4)
def test_offsets_point_into_the_original_text(lab, oracles, tmp_path):
    """Offsets index the ORIGINAL text: normalize(text[start:end]) is the token (less '##'), even after 'ﬁ', '…', '½'."""
    tok = oracles["wordpiece"]
    handle = load_oracle(lab, tok, tmp_path, "offsets")
    got = lab.encode(handle, OFFSET_TEXT)
    offsets = [tuple(o) for o in got["offsets"]]
    expected = tok.encode(OFFSET_TEXT)
    assert_equal(offsets, [tuple(o) for o in expected.offsets], what="offsets of a text with case, accents and expanding characters")
    normalizer = make_normalizer("uncased")
    spans = [(s, e) for s, e in offsets]
    checked = 0
    for token, (start, end), special in zip(got["tokens"], spans, got["special_tokens_mask"]):
        if special or token == "[UNK]" or spans.count((start, end)) > 1:
            continue  # pieces of one expanded character share its span
        check(normalizer.normalize_str(OFFSET_TEXT[start:end]) == token.removeprefix("##"),
              "normalizing text[start:end] should give the token (without '##')")
        checked += 1
    check(checked >= 15, "too few tokens could be checked against the original text")
    surfaces = {OFFSET_TEXT[s:e] for (s, e), t in zip(spans, got["tokens"]) if t == "cafe"}
    check(surfaces == {"CAFÉ"}, "the token 'cafe' should point at the original 'CAFÉ'")
    pair_enc = lab.encode(handle, "hello", OFFSET_TEXT)
    assert_equal([tuple(o) for o in pair_enc["offsets"]], [tuple(o) for o in tok.encode("hello", OFFSET_TEXT).offsets],
                 what="offsets of a pair (the second segment's offsets index the second text)")


@pytest.mark.points(1)
@pytest.mark.parametrize("recipe", ["wordpiece", "bpe_byte_level", "unigram"])
def test_decode_matches_library(lab, oracles, recipe, tmp_path):
    """decode() uses the tokenizer's decoder and skips special tokens unless told not to."""
    tok = oracles[recipe]
    handle = load_oracle(lab, tok, tmp_path, recipe)
    for i, (text, pair) in enumerate(zip(SENTENCES, PAIRS)):
        ids = tok.encode(text, pair).ids
        assert_equal(lab.decode(handle, ids), tok.decode(ids), what=f"{recipe}: decode of pair #{i}")
        assert_equal(lab.decode(handle, ids, skip_special_tokens=False), tok.decode(ids, skip_special_tokens=False),
                     what=f"{recipe}: decode of pair #{i} with skip_special_tokens=False")
    ids = tuple(tok.encode(SENTENCES[1], PAIRS[1]).ids)
    assert_equal(lab.decode(tokenizer=handle, ids=ids), tok.decode(list(ids)), what=f"{recipe}: decode of a tuple of ids, passed by name")
    if recipe == "bpe_byte_level":
        sample = "Café owners don't PRE-TRAIN... 東京!"
        assert_equal(lab.decode(handle, tok.encode(sample).ids), sample, what="byte-level decode(encode(text))")


@pytest.mark.points(2)
@pytest.mark.parametrize("recipe", ["wordpiece", "unigram"])
def test_trace_pipeline(lab, oracles, recipe, tmp_path):
    """trace_pipeline shows the normalized text, the pre-tokens of the NORMALIZED text, the tokens and their original spans."""
    tok = oracles[recipe]
    handle = load_oracle(lab, tok, tmp_path, recipe)
    for i, text in enumerate([OFFSET_TEXT, *SENTENCES[:3]]):
        trace = lab.trace_pipeline(handle, text)
        check(isinstance(trace, dict), "trace_pipeline should return a dict")
        assert_equal(sorted(trace), ["normalized", "pre_tokens", "spans", "tokens"], what="the keys of trace_pipeline")
        normalized = tok.normalizer.normalize_str(text)
        assert_equal(trace["normalized"], normalized, what=f"{recipe}, text #{i}: 'normalized'")
        assert_equal([(p, tuple(s)) for p, s in trace["pre_tokens"]], tok.pre_tokenizer.pre_tokenize_str(normalized),
                     what=f"{recipe}, text #{i}: 'pre_tokens' (offsets into the normalized text)")
        enc = tok.encode(text, add_special_tokens=False)
        assert_equal(trace["tokens"], enc.tokens, what=f"{recipe}, text #{i}: 'tokens'")
        assert_equal(trace["spans"], [text[s:e] for s, e in enc.offsets], what=f"{recipe}, text #{i}: 'spans' (of the original text)")


@pytest.mark.points(1)
def test_trace_pipeline_without_normalizer_or_pre_tokenizer(lab, tmp_path):
    """trace_pipeline of a tokenizer with no normalizer and no pre-tokenizer: the text itself, as one piece (0, len)."""
    vocab = {"[UNK]": 0, "Hello world": 1, "abc": 2}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    handle = load_oracle(lab, tok, tmp_path, "bare")
    for text in ("Hello world", "Ｆｕｌｌ ﬁne", "abc"):
        trace = lab.trace_pipeline(handle, text)
        assert_equal(trace["normalized"], text, what="'normalized' without a normalizer")
        assert_equal([(p, tuple(span)) for p, span in trace["pre_tokens"]], [(text, (0, len(text)))],
                     what="'pre_tokens' without a pre-tokenizer")
        enc = tok.encode(text, add_special_tokens=False)
        assert_equal(trace["tokens"], enc.tokens, what="'tokens' without a normalizer or pre-tokenizer")
        assert_equal(trace["spans"], [text[s:e] for s, e in enc.offsets], what="'spans' without a normalizer or pre-tokenizer")
    tok.normalizer = make_normalizer("uncased")
    handle = load_oracle(lab, tok, tmp_path, "normalizer_only")
    trace = lab.trace_pipeline(handle, "ÀBC Ｆｕｌｌ")
    assert_equal([(p, tuple(span)) for p, span in trace["pre_tokens"]], [("abc full", (0, 8))],
                 what="'pre_tokens' of the normalized text without a pre-tokenizer")


# ---- 6. padding and truncation -----------------------------------------------------------------------------

BATCH_KEYS = ["input_ids", "token_type_ids", "attention_mask", "special_tokens_mask", "offset_mapping"]


def transformers_batch(tok: Tokenizer, texts, pairs=None, **settings) -> dict:
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="[PAD]")
    out = fast(list(texts), list(pairs) if pairs is not None else None, **settings, return_token_type_ids=True,
               return_attention_mask=True, return_special_tokens_mask=True, return_offsets_mapping=True)
    return dict(out.data)


def check_batch(got, expected: dict, what: str) -> None:
    check(isinstance(got, dict), f"{what}: encode_batch should return a dict")
    assert_equal(sorted(got), sorted(expected), what=f"{what}: the keys of the result")
    for key in expected:
        value = got[key]
        if key == "offset_mapping":
            value = [[tuple(o) for o in row] for row in value]
        assert_equal(value, expected[key], what=f"{what}: '{key}'")


def batch_case(lab, handle, tok, what, texts, pairs=None, **settings):
    # names built at run time, texts as a tuple: a solution compares settings with == and takes any sequence
    sent = {key: fresh(value) if isinstance(value, str) else value for key, value in settings.items()}
    got = lab.encode_batch(handle, tuple(texts), None if pairs is None else tuple(pairs), **sent)
    check_batch(got, transformers_batch(tok, texts, pairs, **{"padding": "longest", **settings}), what)  # encode_batch's default padding
    return got


@pytest.mark.points(3)
def test_padding_right_and_left(lab, oracles, tmp_path):
    """Padding to the longest row, on the right and on the left, with [PAD]=0 and attention mask 0, like transformers."""
    tok = oracles["wordpiece"]
    handle = load_oracle(lab, tok, tmp_path, "padding")
    for side in ("right", "left"):
        got = batch_case(lab, handle, tok, f"padding='longest', padding_side={side!r}", SENTENCES, padding="longest", padding_side=side)
        column = 0 if side == "left" else -1
        check(got["input_ids"][3][column] == PAD_ID, f"padding_side={side!r}: a short row should have [PAD] at that end")
        batch_case(lab, handle, tok, f"pairs, padding_side={side!r}", SENTENCES, PAIRS, padding="longest", padding_side=side,
                   truncation="do_not_truncate")
    batch_case(lab, handle, tok, "padding='do_not_pad'", SENTENCES, padding="do_not_pad")


@pytest.mark.points(2)
def test_pad_to_max_length_and_multiple(lab, oracles, tmp_path):
    """padding='max_length' pads to max_length; pad_to_multiple_of rounds the padded length up."""
    tok = oracles["unigram"]
    handle = load_oracle(lab, tok, tmp_path, "multiple")
    batch_case(lab, handle, tok, "padding='max_length'", SENTENCES[3:6], padding="max_length", max_length=24)
    got = batch_case(lab, handle, tok, "pad_to_multiple_of=8", SENTENCES, padding="longest", pad_to_multiple_of=8)
    check(len(got["input_ids"][0]) % 8 == 0, "with pad_to_multiple_of=8 every row length should be a multiple of 8")
    batch_case(lab, handle, tok, "pad_to_multiple_of=8, left", SENTENCES, PAIRS, padding="longest", pad_to_multiple_of=8, padding_side="left")
    batch_case(lab, handle, tok, "max_length 20 with multiple 16", SENTENCES[:4], padding="max_length", max_length=20, pad_to_multiple_of=16,
               truncation="do_not_truncate")
    batch_case(lab, handle, tok, "truncation to 16 and padding to a multiple of 8", SENTENCES, PAIRS,
               truncation="longest_first", max_length=16, padding="longest", pad_to_multiple_of=8)
    batch_case(lab, handle, tok, "truncation to 24 and padding to max_length, multiple of 4", SENTENCES,
               truncation="longest_first", max_length=24, padding="max_length", pad_to_multiple_of=4)
    batch_case(lab, handle, tok, "truncation to 10, no padding, pad_to_multiple_of=4 (ignored)", SENTENCES,
               truncation="longest_first", max_length=10, padding="do_not_pad", pad_to_multiple_of=4)
    batch_case(lab, handle, tok, "padding to a multiple of 3 without truncation", SENTENCES, padding="longest", pad_to_multiple_of=3)


@pytest.mark.points(3)
def test_truncation_keeps_special_tokens(lab, oracles, tmp_path):
    """Truncation (longest_first) cuts text tokens, never [CLS]/[SEP]: rows are max_length long and end in [SEP]."""
    tok = oracles["wordpiece"]
    handle = load_oracle(lab, tok, tmp_path, "truncation")
    got = batch_case(lab, handle, tok, "truncation='longest_first', max_length=8", SENTENCES,
                     truncation="longest_first", max_length=8, padding="do_not_pad")
    for row in got["input_ids"]:
        check(len(row) <= 8 and row[0] == CLS_ID and row[-1] == SEP_ID, "a truncated row should start with [CLS] and end with [SEP]")
    batch_case(lab, handle, tok, "pairs, longest_first, max_length=12", SENTENCES, PAIRS,
               truncation="longest_first", max_length=12, padding="longest")
    batch_case(lab, handle, tok, "pairs, longest_first, max_length=16, padded to max_length", SENTENCES, PAIRS,
               truncation="longest_first", max_length=16, padding="max_length", padding_side="left")
    got = batch_case(lab, handle, tok, "short texts, truncation to 40, padding='longest'", SENTENCES[3:6],
                     truncation="longest_first", max_length=40, padding="longest")
    check(len(got["input_ids"][0]) < 40, "padding='longest' with truncation pads to the longest row, not to max_length")


@pytest.mark.points(2)
def test_truncation_only_first_and_only_second(lab, oracles, tmp_path):
    """truncation='only_first' / 'only_second' cut only that segment of a pair."""
    tok = oracles["bpe_whitespace"]
    handle = load_oracle(lab, tok, tmp_path, "only")
    firsts = ["a long first segment with many words in it, replaying the models", "tokenizers learned merges quickly"]
    seconds = ["short", "the second segment is the long one here, with words and words"]
    got = batch_case(lab, handle, tok, "only_second", firsts[1:], seconds[1:], truncation="only_second", max_length=20, padding="longest")
    check(len(got["input_ids"][0]) == 20, "only_second should cut the second segment down to max_length")
    batch_case(lab, handle, tok, "only_first", firsts[:1], seconds[:1], truncation="only_first", max_length=10, padding="longest")
    batch_case(lab, handle, tok, "longest_first, both long", [firsts[0]], [seconds[1]], truncation="longest_first", max_length=15)


@pytest.mark.points(2)
def test_overflowing_windows_with_stride(lab, oracles, tmp_path):
    """return_overflowing_tokens with stride: sliding windows that overlap by `stride` tokens, mapped back to their input."""
    tok = oracles["wordpiece"]
    handle = load_oracle(lab, tok, tmp_path, "overflow")
    texts = [SENTENCES[0] + " " + SENTENCES[7], "short", SENTENCES[1]]
    got = batch_case(lab, handle, tok, "overflow, stride=3", texts, truncation="longest_first", max_length=10, stride=3,
                     return_overflowing_tokens=True, padding="longest")
    check(len(got["input_ids"]) > len(texts), "overflowing tokens should give extra rows")
    batch_case(lab, handle, tok, "overflow, stride=0, no padding", texts, truncation="only_first", max_length=7, stride=0,
               return_overflowing_tokens=True, padding="do_not_pad")
    batch_case(lab, handle, tok, "overflow with the default stride", texts, truncation="longest_first", max_length=8,
               return_overflowing_tokens=True, padding="longest", padding_side="left")
    batch_case(lab, handle, tok, "truncation without return_overflowing_tokens", texts, truncation="longest_first", max_length=8,
               stride=2, padding="longest")


@pytest.mark.points(1)
def test_encode_batch_leaves_tokenizer_unchanged(lab, oracles, tmp_path):
    """encode_batch does not leave padding or truncation switched on in the tokenizer it was given."""
    tok = oracles["wordpiece"]
    handle = load_oracle(lab, tok, tmp_path, "unchanged")
    lab.encode_batch(handle, SENTENCES, padding="max_length", max_length=40)
    lab.encode_batch(handle, SENTENCES, truncation="longest_first", max_length=6, padding="do_not_pad")
    check(handle.padding is None and handle.truncation is None, "the tokenizer given to encode_batch now pads or truncates")
    batch_case(lab, handle, tok, "a plain batch after earlier calls", SENTENCES, padding="do_not_pad")
    # a tokenizer with its own settings keeps them, and they do not leak into the batch
    own = Tokenizer.from_str(tok.to_str())
    own.enable_truncation(5)
    own.enable_padding(pad_id=0, pad_token="[PAD]", length=30)
    handle = load_oracle(lab, own, tmp_path, "own_settings")
    truncation, padding = handle.truncation, handle.padding
    batch_case(lab, handle, own, "a tokenizer with its own truncation and padding, padding='longest'", SENTENCES, padding="longest")
    batch_case(lab, handle, own, "a tokenizer with its own truncation and padding, no padding", SENTENCES, padding="do_not_pad")
    check(handle.truncation == truncation and handle.padding == padding,
          "encode_batch changed the truncation or padding settings the tokenizer had before")


@pytest.mark.points(2)
def test_encode_batch_rejects_bad_settings(lab, oracles, tmp_path):
    """encode_batch raises ValueError for unknown strategies, a missing max_length, mismatched pairs or a bad multiple."""
    tok = oracles["wordpiece"]
    handle = load_oracle(lab, tok, tmp_path, "bad")
    bad = [
        dict(padding="longer"),
        dict(padding="do_not_pads"),
        dict(padding="a"),
        dict(padding="z"),
        dict(truncation="everything", max_length=8),
        dict(truncation="a", max_length=8),
        dict(truncation="z", max_length=8),
        dict(padding_side="middle"),
        dict(padding_side="a"),
        dict(padding_side="z"),
        dict(padding="max_length"),
        dict(truncation="longest_first"),
        dict(truncation="only_first", padding="do_not_pad"),
        dict(truncation="longest_first", max_length=10, padding="longest", pad_to_multiple_of=4),
        dict(truncation="longest_first", max_length=9, padding="max_length", pad_to_multiple_of=2),
    ]
    for settings in bad:
        fixed = dict(settings)
        for key, default in (("padding", "longest"), ("truncation", "do_not_truncate"), ("padding_side", "right")):
            if fixed.get(key, default) not in (PADDING if key == "padding" else TRUNCATION if key == "truncation" else SIDES):
                fixed[key] = default
        fixed.setdefault("max_length", 16)
        if fixed.get("pad_to_multiple_of"):
            fixed["max_length"], fixed["pad_to_multiple_of"] = 16, 8
        batch_case(lab, handle, tok, f"the valid settings {fixed}", SENTENCES[:2], **fixed)
        with pytest.raises(ValueError):
            lab.encode_batch(handle, SENTENCES[:2], **{k: fresh(v) if isinstance(v, str) else v for k, v in settings.items()})
    texts = [f"{SENTENCES[i % 8]} {i}" for i in range(300)]
    pairs = [PAIRS[i % 8] for i in range(300)]
    check_batch(lab.encode_batch(tokenizer=handle, texts=texts, pairs=pairs, padding="do_not_pad"),
                transformers_batch(tok, texts, pairs, padding="do_not_pad"), "300 texts and 300 pairs, passed by name")
    with pytest.raises(ValueError):
        lab.encode_batch(handle, SENTENCES[:2], PAIRS[:3])
    with pytest.raises(ValueError):
        lab.encode_batch(handle, SENTENCES[:3], PAIRS[:2])
    with pytest.raises(ValueError):
        lab.encode_batch(handle, texts, pairs[:-1])


PADDING = ("longest", "max_length", "do_not_pad")
TRUNCATION = ("longest_first", "only_first", "only_second", "do_not_truncate")
SIDES = ("right", "left")


# ---- 7. transformers -----------------------------------------------------------------------------------------


def oracle_fast(tok: Tokenizer, model_max_length: int) -> PreTrainedTokenizerFast:
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, model_max_length=model_max_length, unk_token="[UNK]", pad_token="[PAD]",
        cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
    )


@pytest.mark.points(2)
def test_fast_tokenizer_special_tokens(lab, oracles, tmp_path):
    """wrap_as_fast sets unk/pad/cls/sep/mask (ids 1, 0, 2, 3, 4), model_max_length and right padding."""
    default = lab.wrap_as_fast(tokenizer=load_oracle(lab, oracles["wordpiece"], tmp_path, "fast_default"))
    check(default.model_max_length == 512, "wrap_as_fast without model_max_length should use 512")
    fast = lab.wrap_as_fast(load_oracle(lab, oracles["wordpiece"], tmp_path, "fast"), model_max_length=24)
    for role, token, token_id in [("unk", "[UNK]", UNK_ID), ("pad", "[PAD]", PAD_ID), ("cls", "[CLS]", CLS_ID),
                                  ("sep", "[SEP]", SEP_ID), ("mask", "[MASK]", MASK_ID)]:
        check(getattr(fast, f"{role}_token") == token, f"the wrapper's {role}_token should be {token}")
        check(getattr(fast, f"{role}_token_id") == token_id, f"the wrapper's {role}_token_id should be {token_id}")
    check(fast.model_max_length == 24, "model_max_length should be the one given")
    check(fast.padding_side == "right" and fast.truncation_side == "right", "padding and truncation should be on the right")
    check(fast.convert_ids_to_tokens(fast.encode("the [MASK] works")).count("[MASK]") == 1, "[MASK] should stay one token")


@pytest.mark.points(2)
def test_fast_tokenizer_pads_and_truncates_like_transformers(lab, oracles, tmp_path):
    """The wrapper pads, truncates (also to model_max_length) and returns masks and token_type_ids as transformers does."""
    tok = oracles["unigram"]
    fast = lab.wrap_as_fast(load_oracle(lab, tok, tmp_path, "fast_calls"), model_max_length=12)
    expected = oracle_fast(tok, 12)
    calls = [
        dict(padding=True),
        dict(padding=True, truncation=True),
        dict(padding="max_length", truncation=True, max_length=16, return_offsets_mapping=True),
        dict(padding=True, truncation="longest_first", max_length=10, return_special_tokens_mask=True),
    ]
    for i, settings in enumerate(calls):
        for pairs in (None, PAIRS):
            got = fast(SENTENCES, pairs, **settings).data
            want = dict(expected(SENTENCES, pairs, **settings).data)
            check(isinstance(got, dict), "calling the wrapper should give a BatchEncoding")
            assert_equal(sorted(got), sorted(want), what=f"call #{i}: the keys of the wrapper's result")
            for key in want:
                value = [[tuple(o) for o in row] for row in got[key]] if key == "offset_mapping" else got[key]
                assert_equal(value, want[key], what=f"call #{i}{' with pairs' if pairs else ''}: '{key}'")


@pytest.mark.points(2)
def test_fast_tokenizer_save_pretrained_round_trip(lab, oracles, tmp_path, monkeypatch):
    """save_pretrained of the wrapper reloads (from_pretrained) with the same special tokens and ids."""
    tok = oracles["wordpiece"]
    monkeypatch.chdir(tmp_path)  # in-process mode: the folder lands here
    fast = lab.wrap_as_fast(load_oracle(lab, tok, tmp_path, "fast_saved"), model_max_length=32)
    fast.save_pretrained("saved_fast")
    folder = tmp_path / "reloaded"
    folder.mkdir()
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (folder / name).write_bytes(lab.get_file(f"saved_fast/{name}"))
    reloaded = PreTrainedTokenizerFast.from_pretrained(str(folder))
    for role in ("unk", "pad", "cls", "sep", "mask"):
        check(getattr(reloaded, f"{role}_token_id") == SPECIAL_TOKENS.index(f"[{role.upper()}]"),
              f"after save_pretrained / from_pretrained, {role}_token is lost or wrong")
    check(reloaded.model_max_length == 32, "after save_pretrained / from_pretrained, model_max_length is lost")
    for text, pair in zip(SENTENCES, PAIRS):
        if text and pair:  # transformers treats an empty pair as no pair at all
            assert_equal(reloaded.encode(text, pair), tok.encode(text, pair).ids, what="ids after save_pretrained / from_pretrained")
