"""Public sanity checks for lab 20 (a BERT classifier on a course-trained WordPiece tokenizer).

Run with ``autograder test lab20_bert_classification`` or
``pytest assignments/lab20_bert_classification``. Passing these does not
mean the hidden tests pass: they also compare your tokenizer with the
``tokenizers`` library and ``transformers``' padding and truncation, your
classifier with ``BertForSequenceClassification`` holding the same weights,
and your training loop with a seeded run of the stated procedure.
"""

from __future__ import annotations

import io
import tarfile

import torch

from autograder.testing import assert_close, check

TINY = dict(vocab_size=40, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32,
            max_position_embeddings=32, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)


def write_archive(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, text in members:
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_parse_review_filename(lab):
    """parse_review_filename("12_9.txt") is (12, 9): the id first, then the rating."""
    got = lab.parse_review_filename("12_9.txt")
    check(tuple(got) == (12, 9), f"parse_review_filename('12_9.txt') should be (12, 9), got {got}")


def test_read_imdb_small_archive(lab, tmp_path):
    """read_imdb gives neg reviews (label 0) then pos (label 1), each by increasing numeric id."""
    archive = write_archive(tmp_path / "aclImdb.tar.gz", [
        ("aclImdb/train/pos/10_8.txt", "pos ten"),
        ("aclImdb/train/neg/3_2.txt", "neg three"),
        ("aclImdb/train/pos/2_9.txt", "pos two<br />more"),
        ("aclImdb/test/neg/0_1.txt", "a test review"),
    ])
    texts, labels = lab.read_imdb(lab.put_file(archive), "train")
    check(list(labels) == [0, 1, 1], f"labels should be [0, 1, 1], got {list(labels)}")
    check(list(texts) == ["neg three", "pos two more", "pos ten"], f"texts (in order, '<br />' -> ' ') are wrong: {list(texts)}")


def test_wordpiece_tokenize(lab):
    """wordpiece_tokenize splits greedily into the longest pieces, later pieces with '##'."""
    vocab = {"[UNK]": 0, "play": 1, "##ing": 2, "##s": 3, "p": 4}
    check(list(lab.wordpiece_tokenize("playing", vocab)) == ["play", "##ing"], "'playing' should be ['play', '##ing']")
    check(list(lab.wordpiece_tokenize("plays", vocab)) == ["play", "##s"], "'plays' should be ['play', '##s']")
    check(list(lab.wordpiece_tokenize("playx", vocab)) == ["[UNK]"], "a word with an unknown piece should be ['[UNK]'] as a whole")


def test_train_and_encode(lab):
    """train_wordpiece puts the special tokens at ids 0..4; encode_batch gives [CLS] ... [SEP] rows padded with 0."""
    texts = ["a great movie", "an awful movie", "great acting, awful plot"] * 4
    tokenizer = lab.train_wordpiece(texts, 60)
    out = lab.encode_batch(tokenizer, ["great movie", ""], max_length=16)
    ids, mask = out["input_ids"], out["attention_mask"]
    check(ids.dtype == torch.long and mask.dtype == torch.long, "input_ids and attention_mask should be torch.long")
    check(ids[0, 0].item() == 2 and ids[1].tolist()[:2] == [2, 3], "rows should start with [CLS] (2); an empty text is [CLS] [SEP]")
    check(mask[1].tolist() == [1, 1] + [0] * (ids.shape[1] - 2), "the attention mask should be 1 on [CLS] [SEP] and 0 on padding")
    check(ids[1, 2:].eq(0).all().item(), "padding should use [PAD] = 0")


def test_pool_mean_ignores_padding(lab):
    """pool(hidden, mask, "mean") averages only the real tokens."""
    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    got = lab.pool(hidden, torch.tensor([[1, 1, 0]]), "mean")
    assert_close(got, torch.tensor([[2.0, 3.0]]), what='pool(..., "mean") with one padded position')
    assert_close(lab.pool(hidden, torch.tensor([[1, 1, 0]]), "cls"), torch.tensor([[1.0, 2.0]]), what='pool(..., "cls")')


def test_classifier_shapes_and_freeze(lab):
    """BertClassifier gives (batch, num_labels) logits; freeze(1) freezes the embeddings and layer 0 only."""
    model = lab.BertClassifier(TINY, 3, "mean")
    model.eval()
    logits = model(torch.tensor([[2, 7, 8, 3], [2, 9, 3, 0]]), torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]]))
    check(tuple(logits.shape) == (2, 3), f"logits should be (2, 3), got {tuple(logits.shape)}")
    frozen = list(model.freeze(1))
    check(frozen and all(n.startswith(("bert.embeddings.", "bert.encoder.layer.0.")) for n in frozen),
          "freeze(1) should freeze only bert.embeddings.* and bert.encoder.layer.0.*")
    check(any(n.startswith("bert.encoder.layer.0.") for n in frozen), "freeze(1) should freeze layer 0")


def test_train_and_evaluate_run(lab):
    """train_classifier returns one loss per step; evaluate returns loss, accuracy and predictions."""
    model = lab.BertClassifier(TINY)
    ids = torch.tensor([[2, 7, 3], [2, 8, 3], [2, 7, 3], [2, 8, 3], [2, 7, 3]])
    mask = torch.ones_like(ids)
    labels = torch.tensor([1, 0, 1, 0, 1])
    losses = lab.train_classifier(model, ids, mask, labels, epochs=2, batch_size=2, lr=1e-2)
    check(len(losses) == 6, f"5 examples, batch_size 2, 2 epochs: 6 steps expected, got {len(losses)}")
    result = lab.evaluate(model, ids, mask, labels)
    check({"loss", "accuracy", "predictions"} <= set(result), "evaluate should return loss, accuracy and predictions")
    check(len(result["predictions"]) == 5, "one prediction per example")
