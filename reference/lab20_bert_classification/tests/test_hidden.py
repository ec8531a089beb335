"""Hidden tests for lab 20 (a BERT classifier on a course-trained WordPiece tokenizer).

Oracles:

* data: tar archives in the aclImdb layout written here (``tmp_path``),
  with members in a shuffled order, and the expected lists written out;
* tokenizer: the ``tokenizers`` library (the same pipeline built and trained
  here, ``models.WordPiece(...).tokenize`` for the WordPiece algorithm) and
  ``transformers.PreTrainedTokenizerFast`` for padding and truncation. The
  WordPiece trainer breaks ties in no fixed order, so vocabularies are
  compared by overlap;
* model: ``transformers.BertForSequenceClassification`` (``"cls"``) and a
  ``BertModel`` + masked mean + ``nn.Linear`` (``"mean"``) holding the same
  weights, copied with ``load_state_dict``;
* training: the stated procedure (seeded ``randperm`` order, one AdamW)
  re-run here on the oracle model, compared to tolerances; frozen
  parameters must be bit-identical.

Every config is tiny, so the suite runs in seconds on a CPU.
"""

from __future__ import annotations

import io
import json
import math
import random
import tarfile

import pytest
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from torch import nn
from transformers import BertConfig, BertForSequenceClassification, BertModel, PreTrainedTokenizerFast

from autograder.testing import assert_close, check

torch.set_num_threads(1)  # tiny tensors: one thread is faster and steadier on a shared machine

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
F32 = dict(atol=1e-5, rtol=1e-5)

CONFIG = dict(
    vocab_size=60,
    hidden_size=16,
    num_hidden_layers=3,
    num_attention_heads=2,
    intermediate_size=32,
    max_position_embeddings=40,
    hidden_dropout_prob=0.0,
    attention_probs_dropout_prob=0.0,
)


# ---- helpers -------------------------------------------------------------------------------------------------


def write_archive(path, members, mode="w:gz"):
    """Write a tar archive; ``members``: (name, text) for files, (name, None) for folders, in the given order."""
    with tarfile.open(path, mode) as tar:
        for name, text in members:
            info = tarfile.TarInfo(name)
            if text is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                data = text.encode("utf-8")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return path


GOOD = "great wonderful superb loved brilliant moving fun charming".split()
BAD = "awful boring terrible hated dull weak mess painful".split()
FILLER = "the movie film plot actor scene story was is and a it this of with".split()


def review(rng: random.Random, positive: bool, words: int = 8) -> str:
    pool_ = GOOD if positive else BAD
    out = [rng.choice(FILLER) if rng.random() < 0.6 else rng.choice(pool_) for _ in range(words)]
    out.insert(rng.randrange(len(out)), rng.choice(pool_))
    return " ".join(out).capitalize() + rng.choice([".", "!", "..."])


def corpus(n: int, seed: int) -> tuple[list[str], list[int]]:
    rng = random.Random(seed)
    labels = [i % 2 for i in range(n)]
    return [review(rng, bool(y), rng.randint(3, 14)) for y in labels], labels


def oracle_tokenizer(texts, vocab_size, min_frequency=2) -> Tokenizer:
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", continuing_subword_prefix="##", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=SPECIALS, continuing_subword_prefix="##", show_progress=False
    )
    tok.train_from_iterator(list(texts), trainer=trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    return tok


def hand_over_tokenizer(lab, tok: Tokenizer, tmp_path, name="tokenizer.json"):
    path = tmp_path / name
    path.write_text(tok.to_str(), encoding="utf-8")
    return lab.load_tokenizer(lab.put_file(path))


class MeanOracle(nn.Module):
    """BertModel, masked mean over real tokens, dropout, linear: the "mean" classifier built from transformers parts."""

    def __init__(self, config: BertConfig, num_labels: int):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=True)
        p = config.classifier_dropout
        self.dropout = nn.Dropout(config.hidden_dropout_prob if p is None else p)
        self.classifier = nn.Linear(config.hidden_size, num_labels)

    def forward(self, input_ids, attention_mask=None):
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.to(hidden.dtype)[..., None]
        return self.classifier(self.dropout((hidden * m).sum(1) / m.sum(1)))


class ClsOracle(nn.Module):
    def __init__(self, config: BertConfig, num_labels: int):
        super().__init__()
        self.model = BertForSequenceClassification(BertConfig(**config.to_dict(), num_labels=num_labels))

    def forward(self, input_ids, attention_mask=None):
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


def make_oracle(pooling: str, config: dict, num_labels: int, seed: int, scale: float = 0.3) -> nn.Module:
    """An oracle with random weights (LayerNorm weights around 1) so that no parameter is a no-op."""
    torch.manual_seed(seed)
    cfg = BertConfig(**config)
    oracle = ClsOracle(cfg, num_labels) if pooling == "cls" else MeanOracle(cfg, num_labels)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in oracle.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if "LayerNorm.weight" in name:
                p.copy_(1 + 0.2 * noise)
            else:
                p.copy_(scale * noise)
    return oracle.eval()


def oracle_state(oracle: nn.Module) -> dict:
    sd = oracle.state_dict()
    if isinstance(oracle, ClsOracle):
        sd = {k.removeprefix("model."): v for k, v in sd.items()}
    return {k: v.detach().clone() for k, v in sd.items()}


def student_model(lab, pooling, config, num_labels, oracle):
    model = lab.BertClassifier(config, num_labels, pooling)
    model.load_state_dict(oracle_state(oracle))
    model.eval()
    return model


def batch(seed: int, rows: int = 5, seq: int = 9, vocab: int = 60, lengths=None):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, vocab, (rows, seq), generator=g)
    if lengths is None:
        lengths = torch.randint(2, seq + 1, (rows,), generator=g).tolist()
        lengths[0] = seq
    mask = (torch.arange(seq)[None, :] < torch.tensor(lengths)[:, None]).long()
    ids[:, 0] = 2
    ids[torch.arange(rows), torch.tensor(lengths) - 1] = 3
    ids[mask == 0] = 0
    return ids, mask


def oracle_train(oracle, ids, mask, labels, *, epochs, batch_size, lr, seed, frozen=()):
    for name, p in oracle.named_parameters():
        p.requires_grad_(name.removeprefix("model.") not in frozen)
    optimizer = torch.optim.AdamW([p for p in oracle.parameters() if p.requires_grad], lr=lr)
    generator = torch.Generator().manual_seed(seed)
    oracle.train()
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(labels), generator=generator)
        for start in range(0, len(labels), batch_size):
            b = order[start : start + batch_size]
            loss = F.cross_entropy(oracle(ids[b], mask[b]), labels[b])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    oracle.eval()
    return losses


def parameter_names(config: dict, num_labels: int = 2) -> list[str]:
    torch.manual_seed(0)
    return [n for n, _ in BertForSequenceClassification(BertConfig(**config, num_labels=num_labels)).named_parameters()]


# ---- 1. data -------------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_parse_review_filename(lab):
    """parse_review_filename reads (id, rating), with paths, leading zeros, huge ids, ratings 1 and 10; rejects other names."""
    cases = {
        "12_9.txt": (12, 9),
        "0_1.txt": (0, 1),
        "7_10.txt": (7, 10),
        "007_3.txt": (7, 3),
        "123456789012345678901234567890_4.txt": (123456789012345678901234567890, 4),
        "aclImdb/train/pos/10_8.txt": (10, 8),
        "./test/neg/3_2.txt": (3, 2),
    }
    for name, expected in cases.items():
        got = lab.parse_review_filename(name)
        check(tuple(got) == expected, f"parse_review_filename({name!r}) should be (id, rating) = {expected}, got {tuple(got)}")
    for bad in ["12_0.txt", "12_11.txt", "12_9.TXT", "12-9.txt", "urls_pos.txt", "_9.txt", "12_.txt",
                "12_9.txt.bak", " 12_9.txt", "12_9", "train/pos/", "a12_9.txt", "12_9_1.txt"]:
        with pytest.raises(ValueError):
            lab.parse_review_filename(bad)


ORDER_NEG = [(10, 1, "Ten, rated one."), (2, 4, "Two, rated four."), (1, 3, "One, rated three."), (33, 2, "Thirty-three.")]
ORDER_POS = [(5, 7, "Five, seven."), (100, 8, "Hundred."), (9, 10, "Nine, ten."), (20, 9, "Twenty.")]
TEST_NEG = [(4, 2, "Test neg four."), (3, 1, "Test neg three.")]
TEST_POS = [(11, 8, "Test pos eleven."), (1, 9, "Test pos one.")]


def layout_members(seed: int) -> list:
    members = []
    for split, folder, rows in (("train", "neg", ORDER_NEG), ("train", "pos", ORDER_POS), ("test", "neg", TEST_NEG), ("test", "pos", TEST_POS)):
        members += [(f"aclImdb/{split}/{folder}/{i}_{r}.txt", text) for i, r, text in rows]
    random.Random(seed).shuffle(members)
    folders = [("aclImdb", None), ("aclImdb/train", None), ("aclImdb/test", None)]
    folders += [(f"aclImdb/{s}/{f}", None) for s in ("train", "test") for f in ("neg", "pos")]
    return folders + members


def expected_split(neg, pos):
    ordered = sorted(neg) + sorted(pos)
    return [t for _, _, t in ordered], [0] * len(neg) + [1] * len(pos)


@pytest.mark.parametrize("split", [pytest.param("train", marks=pytest.mark.points(4)), pytest.param("test", marks=pytest.mark.points(2))])
def test_read_imdb_labels_and_order(lab, tmp_path, split):
    """read_imdb: neg (0) then pos (1), each by increasing numeric id, labels from the folder, whatever the member order."""
    archive = write_archive(tmp_path / "aclImdb_v1.tar.gz", layout_members(seed=3))
    texts, labels = lab.read_imdb(lab.put_file(archive), split)
    exp_texts, exp_labels = expected_split(*((ORDER_NEG, ORDER_POS) if split == "train" else (TEST_NEG, TEST_POS)))
    check(list(labels) == exp_labels, f"{split}: labels should be 0 for every neg review then 1 for every pos review")
    check(all(type(y) is int for y in labels), "labels should be Python ints")
    check(sorted(texts) == sorted(exp_texts), f"{split}: the set of texts read is wrong (another split mixed in, or reviews missing)")
    check(list(texts) == exp_texts, f"{split}: texts are in the wrong order (neg then pos, each by increasing numeric id)")



@pytest.mark.points(3)
def test_read_imdb_skips_other_members(lab, tmp_path):
    """read_imdb keeps only <split>/<neg|pos>/<id>_<rating>.txt files: no unsup, urls, vocab, nested or odd names; any prefix."""
    members = [
        ("./aclImdb/train/pos/3_8.txt", "Kept with a ./ prefix."),
        ("train/neg/7_2.txt", "Kept without a top folder."),
        ("aclImdb/train/unsup/0_0.txt", "Unlabelled."),
        ("aclImdb/train/unsup/5_7.txt", "Unlabelled too."),
        ("aclImdb/train/urls_pos.txt", "http://example.com"),
        ("aclImdb/train/pos/urls_pos.txt", "not a review"),
        ("aclImdb/train/labeledBow.feat", "0 0:1"),
        ("aclImdb/imdb.vocab", "the\nand"),
        ("aclImdb/train/pos/notes.md", "notes"),
        ("aclImdb/train/pos/extra/4_9.txt", "Nested one level too deep."),
        ("aclImdb/train/pos/99_9.txt.orig", "A backup."),
        ("aclImdb/train/Pos/6_9.txt", "Wrong case folder."),
        ("aclImdb/train/pos/0_11.txt", "Rating out of range."),
        ("aclImdb/test/pos/1_9.txt", "Other split."),
        ("aclImdb/train/neg/1_3.txt", "Kept, first."),
    ]
    random.Random(5).shuffle(members)
    members.append(("aclImdb/train/pos/12_7.txt", None))  # a folder with a review's name
    archive = write_archive(tmp_path / "mixed.tar", members, mode="w")
    path = lab.put_file(archive)
    texts, labels = lab.read_imdb(path, "train")
    check(list(labels) == [0, 0, 1], f"expected labels [0, 0, 1] for the three train reviews, got {list(labels)}")
    check(list(texts) == ["Kept, first.", "Kept without a top folder.", "Kept with a ./ prefix."],
          "only regular files named <id>_<rating>.txt directly inside <split>/neg or <split>/pos are reviews")
    empty = write_archive(tmp_path / "only_test.tar.gz", [("aclImdb/test/neg/1_1.txt", "x")])
    texts, labels = lab.read_imdb(lab.put_file(empty), "train")
    check(list(texts) == [] and list(labels) == [], "an archive without reviews of the split should give ([], [])")


@pytest.mark.points(2)
def test_read_imdb_text_decoding(lab, tmp_path):
    """read_imdb decodes UTF-8 and turns every '<br />' into one space, changing nothing else."""
    raw = {
        "aclImdb/test/pos/2_9.txt": "  Café crème — 5★!<br /><br />Second paragraph.<br/>Kept <BR /> too.\n",
        "aclImdb/test/pos/1_8.txt": "Ünïcödé 日本語<br />end",
        "aclImdb/test/neg/8_1.txt": "<br />",
    }
    archive = write_archive(tmp_path / "text.tgz", list(raw.items()))
    texts, labels = lab.read_imdb(lab.put_file(archive), "test")
    expected = [" ", "Ünïcödé 日本語 end", "  Café crème — 5★!  Second paragraph.<br/>Kept <BR /> too.\n"]
    check(list(labels) == [0, 1, 1], "labels should be [0, 1, 1]")
    for got, want, what in zip(texts, expected, ("'<br />' alone", "non-ASCII text", "spaces, '<br/>' and '<BR />' kept")):
        check(got == want, f"text with {what} is not read exactly (UTF-8, each '<br />' -> ' ', nothing stripped)")


@pytest.mark.points(1)
def test_read_imdb_errors(lab, tmp_path):
    """read_imdb raises ValueError for a split other than train/test and FileNotFoundError for a missing archive."""
    archive = lab.put_file(write_archive(tmp_path / "a.tar.gz", [("aclImdb/train/pos/1_9.txt", "Good.")]))
    check(list(lab.read_imdb(archive, "train")[1]) == [1], "a valid archive should be read")
    for split in ("unsup", "Train", "valid"):
        with pytest.raises(ValueError):
            lab.read_imdb(archive, split)
    with pytest.raises(FileNotFoundError):
        lab.read_imdb(archive + ".missing", "train")


# ---- 2. tokenizer ---------------------------------------------------------------------------------------------


def components(text: str) -> dict:
    data = json.loads(text)
    model = {k: v for k, v in data["model"].items() if k != "vocab"}
    return {k: data[k] for k in ("normalizer", "pre_tokenizer", "post_processor", "decoder")} | {"model": model}


@pytest.mark.points(4)
def test_train_wordpiece_pipeline(lab):
    """train_wordpiece builds bert-base-uncased's pipeline (normalizer, pre-tokenizer, model settings, [CLS]/[SEP] template, decoder)."""
    texts, _ = corpus(60, seed=1)
    handle = lab.train_wordpiece(texts=texts, vocab_size=80)
    text = handle.to_str()
    got, want = components(text), components(oracle_tokenizer(texts, 80).to_str())
    for part in ("normalizer", "pre_tokenizer", "model", "decoder", "post_processor"):
        check(got[part] == want[part], f"the tokenizer's {part} differs from the one asked for")
    tok = Tokenizer.from_str(text)
    check([tok.token_to_id(t) for t in SPECIALS] == [0, 1, 2, 3, 4], "special tokens should have ids [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4")
    enc = tok.encode("Great MOVIE, Café!")
    check(enc.tokens[0] == "[CLS]" and enc.tokens[-1] == "[SEP]", "encode should wrap the text in [CLS] ... [SEP]")


@pytest.mark.parametrize(
    "vocab_size, min_frequency",
    [pytest.param(70, 1, id="vocab_70"), pytest.param(400, None, id="default_min_frequency"), pytest.param(400, 6, id="min_frequency_6")],
)
@pytest.mark.points(2)
def test_train_wordpiece_vocabulary(lab, vocab_size, min_frequency):
    """The trained vocabulary has the library's size for vocab_size / min_frequency and (nearly) its entries."""
    texts, _ = corpus(80, seed=2)
    texts = texts + ["Ünïcödé naïve café", "qzxv wykj", "qzxv wykj"]  # pairs seen exactly twice: min_frequency 2 and 3 differ
    if min_frequency is None:  # the default, 2
        text, min_frequency = lab.train_wordpiece(texts, vocab_size).to_str(), 2
    else:
        text = lab.train_wordpiece(texts, vocab_size, min_frequency=min_frequency).to_str()
    got = set(Tokenizer.from_str(text).get_vocab())
    want = set(oracle_tokenizer(texts, vocab_size, min_frequency).get_vocab())
    check(len(got) == len(want), f"vocabulary size {len(got)} differs from the library trainer's for these settings")
    check(len(got & want) >= 0.9 * len(want), "the vocabulary shares too few entries with the library trainer's")
    check("é" not in got and "ü" not in got, "accents should be stripped before training")


@pytest.mark.points(1)
def test_train_wordpiece_errors(lab):
    """train_wordpiece raises ValueError for no texts or vocab_size <= 5 (after a valid call works)."""
    check(Tokenizer.from_str(lab.train_wordpiece(["a b c"], 6, min_frequency=1).to_str()).get_vocab_size() >= 6,
          "vocab_size=6 with a corpus should work")
    with pytest.raises(ValueError):
        lab.train_wordpiece([], 50)
    for bad in (5, 4, 0):
        with pytest.raises(ValueError):
            lab.train_wordpiece(["a b c"], bad)


WP_VOCAB = ["[UNK]", "<unk>", "un", "##believ", "##able", "play", "##ing", "##s", "p", "##l", "##a", "##y", "unbe",
            "a", "##b", "b", "##é", "café", "caf", "ab", "##ab", "x", "##yz", "xy", "##z", "日", "##本"]
WP_WORDS = ["unbelievable", "playing", "plays", "play", "pla", "p", "unbeable", "abab", "ab", "aba", "abx", "café", "cafés",
            "cafe", "xyz", "xyzz", "zz", "日本", "日本語", "", "q", "playingq", "bbbbbb"]


def library_wordpiece(vocab, word, unk="[UNK]", max_chars=100):
    model = models.WordPiece({t: i for i, t in enumerate(vocab)}, unk_token=unk, max_input_chars_per_word=max_chars,
                             continuing_subword_prefix="##")
    return [t.value for t in model.tokenize(word)]


@pytest.mark.points(5)
def test_wordpiece_tokenize_matches_library(lab):
    """wordpiece_tokenize equals tokenizers' WordPiece (greedy longest match, ## pieces, whole word -> [UNK])."""
    vocab = {t: i for i, t in enumerate(WP_VOCAB)}
    results = lab.map(lab.wordpiece_tokenize, [(w, vocab) for w in WP_WORDS])
    for word, got in zip(WP_WORDS, results):
        check(list(got) == library_wordpiece(WP_VOCAB, word), f"wordpiece_tokenize({word!r}) differs from tokenizers' WordPiece")


@pytest.mark.points(2)
def test_wordpiece_tokenize_options(lab):
    """wordpiece_tokenize: a set or list as vocab, another unk_token, words of exactly / one over max_input_chars_per_word."""
    as_set, as_list = set(WP_VOCAB), list(WP_VOCAB)
    for word in ("unbelievable", "playingq", "abab"):
        want = library_wordpiece(WP_VOCAB, word)
        check(list(lab.wordpiece_tokenize(word, as_set)) == want, f"a set vocabulary gives a wrong split of {word!r}")
        check(list(lab.wordpiece_tokenize(word, as_list)) == want, f"a list vocabulary gives a wrong split of {word!r}")
    check(list(lab.wordpiece_tokenize("zz", as_list, unk_token="<unk>")) == ["<unk>"], "unk_token should be returned for an unsplittable word")
    for word, max_chars in [("playing", 7), ("playing", 6), ("unbelievable", 12), ("unbelievable", 11), ("日本", 2), ("日本", 1),
                            ("café", 4), ("", 0), ("p", 0), ("playing", 0)]:
        got = lab.wordpiece_tokenize(word, as_list, unk_token="<unk>", max_input_chars_per_word=max_chars)
        check(list(got) == library_wordpiece(WP_VOCAB, word, "<unk>", max_chars),
              f"wordpiece_tokenize({word!r}, max_input_chars_per_word={max_chars}) is wrong (the limit counts characters; equal is allowed)")
    for word in ("ab" * 50, "ab" * 50 + "a"):  # 100 and 101 characters against the default limit of 100
        check(list(lab.wordpiece_tokenize(word=word, vocab=as_list)) == library_wordpiece(WP_VOCAB, word),
              f"a word of {len(word)} characters with the default max_input_chars_per_word is split wrongly")
    long_word = "a" * 300
    got = lab.wordpiece_tokenize(long_word, as_set, max_input_chars_per_word=1000)
    check(list(got) == library_wordpiece(WP_VOCAB, long_word, max_chars=1000), "a 300-character word under a limit of 1000 is split wrongly")


ENCODE_TEXTS = ["Great movie, loved it!", "", "Awful. Boring boring boring and dull, a terrible mess of a film!!",
                "Café Ünïcödé charming", "it"]


@pytest.mark.parametrize("max_length", [pytest.param(6, id="truncates"), pytest.param(64, id="pads_to_longest"),
                                        pytest.param(2, id="specials_only")])
@pytest.mark.points(2)
def test_encode_batch_matches_transformers(lab, tmp_path, max_length):
    """encode_batch equals PreTrainedTokenizerFast(padding=True, truncation=True, max_length): [CLS] ... [SEP], [PAD]=0."""
    tok = oracle_tokenizer(corpus(60, seed=4)[0], 90)
    handle = hand_over_tokenizer(lab, tok, tmp_path)
    fast = PreTrainedTokenizerFast(tokenizer_object=Tokenizer.from_str(tok.to_str()), pad_token="[PAD]")
    want = fast(ENCODE_TEXTS, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    got = lab.encode_batch(handle, ENCODE_TEXTS, max_length=max_length)
    check(isinstance(got, dict) and {"input_ids", "attention_mask"} <= set(got), "encode_batch should return a dict with input_ids and attention_mask")
    for key in ("input_ids", "attention_mask"):
        value = got[key]
        check(torch.is_tensor(value) and value.dtype == torch.long, f"{key} should be a torch.long tensor")
        check(tuple(value.shape) == tuple(want[key].shape), f"{key} has shape {tuple(value.shape)}, expected {tuple(want[key].shape)}")
        check(torch.equal(value, want[key]), f"{key} differs from transformers' with max_length={max_length}")


@pytest.mark.points(3)
def test_encode_batch_leaves_tokenizer_unchanged(lab, tmp_path):
    """encode_batch with one max_length, then another: no setting sticks to the tokenizer or carries over."""
    tok = oracle_tokenizer(corpus(60, seed=4)[0], 90)
    handle = hand_over_tokenizer(lab, tok, tmp_path)
    fast = PreTrainedTokenizerFast(tokenizer_object=Tokenizer.from_str(tok.to_str()), pad_token="[PAD]")
    lab.encode_batch(handle, ENCODE_TEXTS, max_length=5)
    check(list(handle.encode(ENCODE_TEXTS[2]).ids) == tok.encode(ENCODE_TEXTS[2]).ids,
          "after encode_batch(max_length=5), tokenizer.encode should not be truncated: work on a copy")
    later = lab.encode_batch(tokenizer=handle, texts=ENCODE_TEXTS[2:4], max_length=40)
    want = fast(ENCODE_TEXTS[2:4], padding=True, truncation=True, max_length=40, return_tensors="pt")
    check(torch.equal(later["input_ids"], want["input_ids"]), "a second call with a larger max_length is still cut or padded by the first")
    long_text = " ".join(["great movie"] * 100)
    default = lab.encode_batch(handle, [long_text, "ok"])
    want = fast([long_text, "ok"], padding=True, truncation=True, max_length=128, return_tensors="pt")
    check(torch.equal(default["input_ids"], want["input_ids"]), "without max_length, rows should be cut to the default 128")
    alone = handle.encode(ENCODE_TEXTS[2])
    check(list(alone.ids) == tok.encode(ENCODE_TEXTS[2]).ids, "after encode_batch, tokenizer.encode should be neither truncated nor padded")


@pytest.mark.points(1)
def test_encode_batch_errors(lab, tmp_path):
    """encode_batch raises ValueError for no texts or max_length < 2 (after a valid call works)."""
    handle = hand_over_tokenizer(lab, oracle_tokenizer(corpus(30, seed=4)[0], 60), tmp_path)
    check(lab.encode_batch(handle, ["fine"], max_length=2)["input_ids"].tolist() == [[2, 3]], "max_length=2 should give [CLS] [SEP]")
    with pytest.raises(ValueError):
        lab.encode_batch(handle, [], max_length=8)
    for bad in (1, 0):
        with pytest.raises(ValueError):
            lab.encode_batch(handle, ["fine"], max_length=bad)


# ---- 3. pooling and the model ----------------------------------------------------------------------------------


def randn(*shape, seed, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


@pytest.mark.points(2)
def test_pool_cls(lab):
    """pool(..., "cls") is the vector at position 0, whatever the mask; other methods raise ValueError."""
    hidden = randn(3, 5, 4, seed=1)
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 1, 0, 0, 0]])
    assert_close(lab.pool(hidden, mask, "cls"), hidden[:, 0], atol=0, rtol=0, what='pool(..., "cls")')
    built = "".join(["c", "l", "s"])  # equal to "cls", but another str object
    assert_close(lab.pool(hidden, mask, built), hidden[:, 0], atol=0, rtol=0, what='pool(..., "cls") (compare strings with ==)')
    mean = "".join(["me", "an"])
    check(torch.allclose(lab.pool(hidden, mask, mean), lab.pool(hidden, mask, "mean")), 'pool(..., "mean"): compare strings with ==')
    for bad in ("max", "CLS", "first", "sum", "zzz", "mean "):
        with pytest.raises(ValueError):
            lab.pool(hidden, mask, bad)


@pytest.mark.parametrize("mask_dtype", [pytest.param(torch.long, id="int"), pytest.param(torch.bool, id="bool"),
                                        pytest.param(torch.float32, id="float")])
@pytest.mark.points(1)
def test_pool_mean(lab, mask_dtype):
    """pool(..., "mean") averages the real tokens only, for int, bool and float masks."""
    hidden = randn(3, 6, 5, seed=2)
    hidden[0, 4:] = 1e4  # huge padding vectors: any leak shows
    hidden[2, 1:] = -3e3
    lengths = [4, 6, 1]
    mask = (torch.arange(6)[None] < torch.tensor(lengths)[:, None]).to(mask_dtype)
    want = torch.stack([hidden[i, :n].mean(0) for i, n in enumerate(lengths)])
    got = lab.pool(hidden, mask, "mean")
    check(got.dtype == torch.float32, "pool should keep the dtype of hidden")
    assert_close(got, want, **F32, what=f'pool(..., "mean") with a {mask_dtype} mask')


@pytest.mark.points(2)
def test_pool_mean_edge_cases(lab):
    """pool(..., "mean"): a row without real tokens gives zeros (not NaN); float64 kept; gradient only on real tokens."""
    hidden = randn(2, 4, 3, seed=3, dtype=torch.float64)
    mask = torch.tensor([[1, 1, 0, 0], [0, 0, 0, 0]])
    got = lab.pool(hidden, mask, "mean")
    check(got.dtype == torch.float64, "pool should keep float64")
    check(not torch.isnan(got).any(), "a row without real tokens should give zeros, not NaN")
    assert_close(got[1], torch.zeros(3, dtype=torch.float64), atol=0, rtol=0, what="the row without real tokens")
    assert_close(got[0], hidden[0, :2].mean(0), atol=1e-12, rtol=1e-12, what="the first row")
    result = lab.vjp(lab.pool, hidden, mask, "mean", grad_output=torch.ones(2, 3, dtype=torch.float64))
    grad = result.grads[0]
    want = torch.zeros_like(hidden)
    want[0, :2] = 0.5
    assert_close(grad, want, atol=1e-12, rtol=1e-12, what="the gradient of mean pooling")


@pytest.mark.points(3)
def test_classifier_structure(lab):
    """BertClassifier has BertForSequenceClassification's state_dict keys and shapes, its dropout p and pooling attribute."""
    config = dict(CONFIG, hidden_dropout_prob=0.25)
    torch.manual_seed(0)
    want = {k: tuple(v.shape) for k, v in BertForSequenceClassification(BertConfig(**config, num_labels=3)).state_dict().items()}
    model = lab.BertClassifier(config, 3, "mean")
    got = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    check(set(got) == set(want), f"state_dict keys differ from BertForSequenceClassification's: missing {sorted(set(want) - set(got))[:4]}, "
          f"unexpected {sorted(set(got) - set(want))[:4]}")
    check(got == want, "some state_dict shapes differ from BertForSequenceClassification's")
    check(model.pooling == "mean", "the pooling attribute should hold the method")
    check(abs(model.dropout.p - 0.25) < 1e-12, "dropout p should be hidden_dropout_prob when classifier_dropout is not set")
    check(abs(lab.BertClassifier(dict(config, classifier_dropout=0.4)).dropout.p - 0.4) < 1e-12, "dropout p should be classifier_dropout when it is set")
    default = lab.BertClassifier(config)
    check(default.pooling == "cls", 'the default pooling should be "cls"')
    check(tuple(default.state_dict()["classifier.weight"].shape) == (2, 16), "the default num_labels should be 2")


@pytest.mark.parametrize("num_labels", [pytest.param(2, id="two_labels"), pytest.param(3, id="three_labels")])
@pytest.mark.points(2)
def test_classifier_cls_matches_transformers(lab, num_labels):
    """pooling="cls": logits equal BertForSequenceClassification's with the same weights, on a padded batch."""
    oracle = make_oracle("cls", CONFIG, num_labels, seed=10 + num_labels)
    model = student_model(lab, "".join(["c", "l", "s"]), CONFIG, num_labels, oracle)  # an equal str, not the same object
    ids, mask = batch(seed=num_labels)
    with torch.no_grad():
        want = oracle(ids, mask)
    assert_close(model(ids, mask), want, **F32, what='"cls" logits')


@pytest.mark.parametrize("num_labels", [pytest.param(2, id="two_labels"), pytest.param(3, id="three_labels")])
@pytest.mark.points(2)
def test_classifier_mean_matches_oracle(lab, num_labels):
    """pooling="mean": logits equal BertModel + mean over real tokens + classifier, on a padded batch."""
    oracle = make_oracle("mean", CONFIG, num_labels, seed=20 + num_labels)
    model = student_model(lab, "mean", CONFIG, num_labels, oracle)
    ids, mask = batch(seed=5 + num_labels)
    with torch.no_grad():
        want = oracle(ids, mask)
    assert_close(model(ids, mask), want, **F32, what='"mean" logits')


@pytest.mark.parametrize("pooling", ["cls", "mean"])
@pytest.mark.points(1)
def test_classifier_ignores_padding(lab, pooling):
    """The logits of a row do not depend on its padded ids or on extra padding; attention_mask=None means no padding."""
    oracle = make_oracle(pooling, CONFIG, 2, seed=31)
    model = student_model(lab, pooling, CONFIG, 2, oracle)
    ids, mask = batch(seed=9, rows=4, seq=7, lengths=[7, 3, 5, 2])
    base = model(ids, mask)
    noisy = ids.clone()
    noisy[mask == 0] = 17
    assert_close(model(noisy, mask), base, **F32, what="logits after changing the ids at padded positions")
    wide_ids = torch.cat([ids, torch.zeros(4, 5, dtype=torch.long)], 1)
    wide_mask = torch.cat([mask, torch.zeros(4, 5, dtype=torch.long)], 1)
    assert_close(model(wide_ids, wide_mask), base, **F32, what="logits after adding 5 more padding columns")
    full = ids[:1]
    assert_close(model(full), model(full, torch.ones_like(full)), **F32, what="logits with attention_mask=None")


@pytest.mark.points(2)
def test_classifier_dropout_train_and_eval(lab):
    """With dropout 0.5: eval mode is deterministic and equals the oracle; training mode applies dropout."""
    config = dict(CONFIG, hidden_dropout_prob=0.5, attention_probs_dropout_prob=0.0)
    oracle = make_oracle("mean", config, 2, seed=41)
    model = student_model(lab, "mean", config, 2, oracle)
    ids, mask = batch(seed=11)
    with torch.no_grad():
        want = oracle(ids, mask)
    assert_close(model(ids, mask), want, **F32, what="eval-mode logits with dropout 0.5 in the config")
    model.train()
    lab.manual_seed(0)
    a, b = model(ids, mask), model(ids, mask)
    check(not torch.allclose(a, b), "in training mode dropout should make two calls differ")
    model.eval()
    assert_close(model(ids, mask), want, **F32, what="eval-mode logits after a training-mode call")


@pytest.mark.points(1)
def test_classifier_invalid_arguments(lab):
    """BertClassifier raises ValueError for an unknown pooling or num_labels < 2 (after valid ones build)."""
    lab.BertClassifier(CONFIG, 2, "mean")
    lab.BertClassifier(CONFIG, 2, "cls")
    for kwargs in (dict(pooling="max"), dict(pooling="CLS"), dict(num_labels=1), dict(num_labels=0)):
        with pytest.raises(ValueError):
            lab.BertClassifier(CONFIG, **kwargs)


def frozen_names(names, num_layers, embeddings=True):
    prefixes = [f"bert.encoder.layer.{i}." for i in range(num_layers)] + (["bert.embeddings."] if embeddings else [])
    return [n for n in names if n.startswith(tuple(prefixes))]


@pytest.mark.parametrize(
    "num_layers, embeddings",
    [pytest.param(1, True, id="one_layer"), pytest.param(0, True, id="embeddings_only"), pytest.param(3, True, id="all_layers"),
     pytest.param(2, False, id="two_layers_no_embeddings"), pytest.param(0, False, id="nothing")],
)
@pytest.mark.points(1)
def test_freeze_names(lab, num_layers, embeddings):
    """freeze(k, embeddings=...) freezes the embeddings and the FIRST k layers and returns their names in order."""
    model = lab.BertClassifier(CONFIG)
    got = model.freeze(num_layers, embeddings=embeddings)
    check(list(got) == frozen_names(parameter_names(CONFIG), num_layers, embeddings),
          f"freeze({num_layers}, embeddings={embeddings}) returned the wrong parameter names (or order)")


@pytest.mark.points(2)
def test_freeze_default_and_second_call(lab):
    """freeze(k) freezes the embeddings by default; a second call replaces the first (nothing stays frozen from it)."""
    names = parameter_names(CONFIG)
    model = lab.BertClassifier(CONFIG)
    check(list(model.freeze(2)) == frozen_names(names, 2, True), "freeze(2) should freeze the embeddings and layers 0 and 1")
    check(list(model.freeze(num_layers=1, embeddings=False)) == frozen_names(names, 1, False),
          "after freeze(2), freeze(1, embeddings=False) should unfreeze the rest")


@pytest.mark.points(1)
def test_freeze_invalid(lab):
    """freeze raises ValueError for a layer count outside 0..num_hidden_layers (after a valid call)."""
    model = lab.BertClassifier(CONFIG)
    model.freeze(3)
    for bad in (-1, 4):
        with pytest.raises(ValueError):
            model.freeze(bad)


# ---- 4. training and evaluation ----------------------------------------------------------------------------------


def toy_data(n: int, seed: int, seq: int = 10):
    """Ids where class 1 rows contain token 7 and class 0 rows token 8, padded to random lengths."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 2
    ids, mask = batch(seed, rows=n, seq=seq, vocab=60)
    ids[ids == 7] = 9
    ids[ids == 8] = 9
    lengths = mask.sum(1)
    pos = (torch.rand(n, generator=g) * (lengths - 2).float()).long() + 1
    ids[torch.arange(n), pos] = torch.where(labels == 1, 7, 8)
    return ids, mask, labels


@pytest.mark.parametrize(
    "pooling, num_layers, epochs, batch_size",
    [pytest.param("cls", None, 2, 4, id="cls"), pytest.param("mean", 1, 3, 5, id="mean_frozen")],
)
@pytest.mark.points(5)
def test_train_matches_reference_run(lab, pooling, num_layers, epochs, batch_size):
    """train_classifier reproduces the stated procedure: losses and final weights equal a seeded run of the oracle."""
    oracle = make_oracle(pooling, CONFIG, 2, seed=50, scale=0.2)
    model = student_model(lab, pooling, CONFIG, 2, oracle)
    frozen = [] if num_layers is None else list(model.freeze(num_layers))
    ids, mask, labels = toy_data(14, seed=51)
    got = lab.train_classifier(model, ids, mask, labels, epochs=epochs, batch_size=batch_size, lr=3e-3, seed=7)
    want = oracle_train(oracle, ids, mask, labels, epochs=epochs, batch_size=batch_size, lr=3e-3, seed=7, frozen=set(frozen))
    check(len(got) == len(want), f"expected {len(want)} losses (epochs * ceil(n / batch_size)), got {len(got)}")
    check(all(isinstance(x, float) for x in got), "losses should be Python floats")
    assert_close(torch.tensor(got, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), atol=1e-4, rtol=1e-4,
                 what="the loss sequence (shuffle order, batches, one AdamW, loss before each update)")
    after = model.state_dict()
    for name, value in oracle_state(oracle).items():
        assert_close(after[name], value, atol=2e-4, rtol=1e-3, what=f"the trained parameter {name}")


@pytest.mark.points(4)
def test_train_frozen_parameters_bit_identical(lab):
    """After freeze(2) and training, frozen parameters are bit-identical; every other parameter moved; model left in eval mode."""
    config = dict(CONFIG, hidden_dropout_prob=0.1)
    oracle = make_oracle("cls", config, 2, seed=60, scale=0.2)
    model = student_model(lab, "cls", config, 2, oracle)
    frozen = set(model.freeze(2))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    ids, mask, labels = toy_data(12, seed=61)
    losses = lab.train_classifier(model, ids, mask, labels, epochs=2, batch_size=4, lr=1e-2, seed=3)
    check(len(losses) == 6, f"expected 6 losses, got {len(losses)}")
    after = model.state_dict()
    check(frozen == set(frozen_names(parameter_names(config), 2)), "freeze(2) should freeze the embeddings and the first two layers")
    for name in before:
        if name in frozen:
            check(torch.equal(before[name], after[name]), f"the frozen parameter {name} changed during training")
        elif name.endswith("position_ids") or name.endswith("token_type_ids"):
            continue
        else:
            check(not torch.equal(before[name], after[name]), f"the trainable parameter {name} did not change during training")
    check(model.training is False, "train_classifier should leave the model in eval mode")


@pytest.mark.points(2)
def test_train_uses_training_mode(lab):
    """train_classifier trains in training mode (dropout on) even when the model was in eval mode before."""
    config = dict(CONFIG, hidden_dropout_prob=0.5)
    oracle = make_oracle("mean", config, 2, seed=70, scale=0.2)
    model = student_model(lab, "mean", config, 2, oracle)
    ids, mask, labels = toy_data(12, seed=71)
    lab.manual_seed(1)
    got = lab.train_classifier(model, ids, mask, labels, epochs=1, batch_size=6, lr=1e-3, seed=0)
    first = torch.randperm(12, generator=torch.Generator().manual_seed(0))[:6]
    with torch.no_grad():
        no_dropout = F.cross_entropy(oracle(ids[first], mask[first]), labels[first]).item()
    check(abs(got[0] - no_dropout) > 1e-4, "the first loss equals the dropout-free loss: train in training mode (model.train())")
    check(model.training is False, "train_classifier should leave the model in eval mode")


def mismatched(ids, mask, labels):
    """Inputs whose numbers of rows disagree, each way round."""
    extra_ids, extra_mask = torch.cat([ids, ids[:1]]), torch.cat([mask, mask[:1]])
    return [(ids[:-1], mask, labels), (ids, mask[:-1], labels), (extra_ids, mask, labels), (ids, extra_mask, labels),
            (ids, mask, labels[:-1]), (ids, mask[:-1], labels[:-1]), (ids[:-1], mask, labels[:-1])]


@pytest.mark.points(2)
def test_train_epochs_batches_and_errors(lab):
    """Defaults (1 epoch, batch 8, lr 1e-3, seed 0); epochs=0; batch sizes 1 and > n; 300 rows; mismatched rows raise ValueError."""
    oracle = make_oracle("cls", CONFIG, 2, seed=80, scale=0.2)
    model = student_model(lab, "cls", CONFIG, 2, oracle)
    ids, mask, labels = toy_data(10, seed=81)
    got = lab.train_classifier(model=model, input_ids=ids, attention_mask=mask, labels=labels)
    want = oracle_train(oracle, ids, mask, labels, epochs=1, batch_size=8, lr=1e-3, seed=0)
    check(len(got) == 2, f"the defaults (1 epoch, batch_size 8) on 10 examples give 2 steps, got {len(got)}")
    assert_close(torch.tensor(got, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), atol=1e-4, rtol=1e-4,
                 what="the losses with the default epochs, batch_size, lr and seed")
    after = model.state_dict()
    for name, value in oracle_state(oracle).items():
        assert_close(after[name], value, atol=2e-4, rtol=1e-3, what=f"{name} after training with the defaults")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    check(list(lab.train_classifier(model, ids, mask, labels, epochs=0)) == [], "epochs=0 should return []")
    after = model.state_dict()
    check(all(torch.equal(before[k], after[k]) for k in before), "epochs=0 should not change the model")
    got = lab.train_classifier(model, ids, mask, labels, epochs=2, batch_size=4, lr=1e-3, seed=1)
    check(len(got) == 6, f"10 examples, batch_size 4, 2 epochs: expected 6 steps, got {len(got)}")
    check(len(lab.train_classifier(model, ids[:3], mask[:3], labels[:3], batch_size=1)) == 3, "batch_size=1 is valid: one step per example")
    one = lab.train_classifier(model, ids, mask, labels, epochs=1, batch_size=100, seed=1)
    check(len(one) == 1, "a batch_size larger than the data gives one step per epoch")
    big_ids, big_mask, big_labels = ids[:, :4].repeat(30, 1), mask[:, :4].repeat(30, 1), labels.repeat(30)
    check(len(lab.train_classifier(model, big_ids, big_mask, big_labels, batch_size=300)) == 1, "300 examples in one batch should train")
    for kwargs in (dict(epochs=-1), dict(batch_size=0)):
        with pytest.raises(ValueError):
            lab.train_classifier(model, ids, mask, labels, **kwargs)
    for bad in mismatched(ids, mask, labels):
        with pytest.raises(ValueError):
            lab.train_classifier(model, *bad)


@pytest.mark.parametrize("pooling", ["cls", "mean"])
@pytest.mark.points(2)
def test_evaluate_matches_oracle(lab, pooling):
    """evaluate: mean loss over all examples, accuracy, argmax predictions, in eval mode whatever the mode before."""
    config = dict(CONFIG, hidden_dropout_prob=0.3)
    oracle = make_oracle(pooling, config, 3, seed=90)
    model = student_model(lab, pooling, config, 3, oracle)
    ids, mask = batch(seed=91, rows=11)
    labels = torch.tensor([0, 1, 2, 2, 1, 0, 0, 1, 2, 1, 0])
    with torch.no_grad():
        logits = oracle(ids, mask)
    model.train()
    got = lab.evaluate(model, ids, mask, labels, batch_size=4)
    check(isinstance(got, dict) and {"loss", "accuracy", "predictions"} <= set(got), "evaluate should return loss, accuracy and predictions")
    predictions = logits.argmax(-1)
    check(list(got["predictions"]) == predictions.tolist(), "predictions should be the argmax of the eval-mode logits")
    check(all(type(p) is int for p in got["predictions"]), "predictions should be Python ints")
    assert_close(float(got["accuracy"]), (predictions == labels).double().mean().item(), atol=1e-12, rtol=0, what="accuracy")
    assert_close(float(got["loss"]), F.cross_entropy(logits, labels).item(), atol=1e-5, rtol=1e-5,
                 what="loss (the mean over all examples, not of per-batch means)")
    check(model.training is False, "evaluate should leave the model in eval mode")
    again = lab.evaluate(model, ids, mask, labels, batch_size=11)
    assert_close(float(again["loss"]), float(got["loss"]), atol=1e-5, rtol=1e-5, what="the loss with another batch_size")


@pytest.mark.points(1)
def test_evaluate_ties_and_errors(lab):
    """evaluate predicts the lowest class on tied logits; no examples or batch_size < 1 raise ValueError."""
    oracle = make_oracle("cls", CONFIG, 3, seed=95)
    with torch.no_grad():
        oracle.model.classifier.weight.zero_()
        oracle.model.classifier.bias.fill_(0.5)
    model = student_model(lab, "cls", CONFIG, 3, oracle)
    ids, mask = batch(seed=96, rows=3)
    got = lab.evaluate(model, ids, mask, torch.tensor([0, 1, 2]))
    check(list(got["predictions"]) == [0, 0, 0], "tied logits should predict the lowest class")
    assert_close(float(got["accuracy"]), 1 / 3, atol=1e-9, rtol=0, what="accuracy with one of three right")
    assert_close(float(got["loss"]), math.log(3), atol=1e-6, rtol=0, what="loss with uniform logits (log 3)")
    with pytest.raises(ValueError):
        lab.evaluate(model, ids[:0], mask[:0], torch.tensor([], dtype=torch.long))
    with pytest.raises(ValueError):
        lab.evaluate(model, ids, mask, torch.tensor([0, 1, 2]), batch_size=0)
    check(list(lab.evaluate(model=model, input_ids=ids, attention_mask=mask, labels=torch.tensor([0, 1, 2]), batch_size=1)["predictions"])
          == [0, 0, 0], "batch_size=1 is valid")
    single = lab.evaluate(model, ids[:1], mask[:1], torch.tensor([0]))
    check(list(single["predictions"]) == [0] and float(single["accuracy"]) == 1.0, "one example is valid")
    big = lab.evaluate(model, ids.repeat(100, 1), mask.repeat(100, 1), torch.tensor([0, 1, 2]).repeat(100))
    check(len(big["predictions"]) == 300, "300 examples should give 300 predictions")
    for bad in mismatched(ids, mask, torch.tensor([0, 1, 2])):
        with pytest.raises(ValueError):
            lab.evaluate(model, *bad)


@pytest.mark.points(3)
def test_end_to_end_from_archive(lab, tmp_path):
    """The whole pipeline: archive -> trained WordPiece -> encode -> fine-tune (first layer frozen) -> test accuracy >= 0.85."""
    rng = random.Random(7)
    members = []
    for split, count in (("train", 64), ("test", 32)):
        for i in range(count):
            positive = i % 2 == 1
            rating = rng.randint(7, 10) if positive else rng.randint(1, 4)
            members.append((f"aclImdb/{split}/{'pos' if positive else 'neg'}/{i}_{rating}.txt", review(rng, positive, 6)))
    rng.shuffle(members)
    path = lab.put_file(write_archive(tmp_path / "aclImdb_v1.tar.gz", members))
    train_texts, train_labels = lab.read_imdb(path, "train")
    test_texts, test_labels = lab.read_imdb(path, "test")
    tokenizer = lab.train_wordpiece(train_texts, 200)
    train = lab.encode_batch(tokenizer, train_texts, max_length=32)
    test = lab.encode_batch(tokenizer, test_texts, max_length=32)
    config = dict(CONFIG, vocab_size=int(tokenizer.get_vocab_size()))
    lab.manual_seed(0)
    model = lab.BertClassifier(config, 2, "mean")
    model.freeze(1, embeddings=False)
    losses = lab.train_classifier(model, train["input_ids"], train["attention_mask"], torch.tensor(train_labels),
                                  epochs=10, batch_size=8, lr=1e-2, seed=0)
    check(sum(losses[-8:]) < 0.3 * sum(losses[:8]), "the training loss should fall well below its start")
    result = lab.evaluate(model, test["input_ids"], test["attention_mask"], torch.tensor(test_labels))
    check(float(result["accuracy"]) >= 0.85, f"test accuracy {float(result['accuracy']):.2f} is below 0.85 on an easy task")
