"""Public sanity checks for lab 27 (a GPT-2 classifier on the last real token).

Run with ``autograder test lab27_gpt_classification`` or
``pytest assignments/lab27_gpt_classification``. Passing these does not mean
the hidden tests pass: they also compare your classifier with
``GPT2ForSequenceClassification`` holding the same weights (each text run
alone, padded on the right, on the left, with pad id = end-of-text id),
check that frozen parameters stay bit-identical, and compare your training
loop with a seeded run of the stated procedure.
"""

from __future__ import annotations

import io
import os
import tarfile

import torch
from transformers import GPT2Config, GPT2ForSequenceClassification

from autograder.testing import assert_close, check

TINY = dict(vocab_size=50, n_positions=16, n_embd=16, n_layer=2, n_head=2, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
            bos_token_id=49, eos_token_id=49)


def upload_tree(lab, tmp_path, files):
    """Make a folder tree in the place your code runs (a tar archive, extracted there); returns its root."""
    archive = tmp_path / "tree.tar"
    with tarfile.open(archive, "w") as tar:
        for rel, text in files.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"aclImdb/{rel}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    remote = lab.put_file(archive)
    handle = lab.get("torch.serialization.tarfile").open(remote)
    handle.extractall(os.path.dirname(remote), filter="data")
    handle.close()
    return os.path.dirname(remote) + "/aclImdb"


def test_parse_review_filename(lab):
    """parse_review_filename("12_9.txt") is (12, 9): the id first, then the rating."""
    got = lab.parse_review_filename("12_9.txt")
    check(tuple(got) == (12, 9), f"parse_review_filename('12_9.txt') should be (12, 9), got {got}")


def test_read_imdb_small_folder(lab, tmp_path):
    """read_imdb reads neg then pos, by numeric id, with labels and ratings, and cleans '<br />'."""
    root = upload_tree(lab, tmp_path, {
        "train/pos/10_8.txt": "Loved it.<br />Really.",
        "train/pos/2_9.txt": "Great.",
        "train/neg/3_1.txt": "Awful.",
        "train/unsup/0_0.txt": "No label.",
    })
    texts, labels, ratings = lab.read_imdb(root, "train")
    check(list(labels) == [0, 1, 1], f"labels should be [0, 1, 1] (neg first), got {list(labels)}")
    check(list(texts) == ["Awful.", "Great.", "Loved it. Really."], "texts: neg first, then pos by numeric id, '<br />' -> ' '")
    check(list(ratings) == [1, 9, 8], f"ratings should come from <id>_<rating>.txt, got {list(ratings)}")


def test_pad_batch_and_helpers(lab):
    """pad_batch pads on either side; last_token_index and position_ids_from_mask read the mask."""
    right = lab.pad_batch([[5, 6, 7], [8]], 0)
    check(right["input_ids"].tolist() == [[5, 6, 7], [8, 0, 0]], "right padding puts pad ids after the tokens")
    left = lab.pad_batch([[5, 6, 7], [8]], 0, side="left")
    check(left["attention_mask"].tolist() == [[1, 1, 1], [0, 0, 1]], "left padding puts the mask's zeros first")
    check(lab.last_token_index(right["attention_mask"]).tolist() == [2, 0], "last real token of a right-padded batch")
    check(lab.last_token_index(left["attention_mask"]).tolist() == [2, 2], "last real token of a left-padded batch")
    check(lab.position_ids_from_mask(left["attention_mask"]).tolist() == [[0, 1, 2], [0, 0, 0]], "positions count real tokens only")


def test_classifier_matches_transformers(lab):
    """GPTClassifier on a right-padded batch equals GPT2ForSequenceClassification; left padding gives the same logits."""
    torch.manual_seed(0)
    oracle = GPT2ForSequenceClassification(GPT2Config(**TINY, num_labels=2, pad_token_id=0)).eval()
    model = lab.GPTClassifier(TINY, 2)
    model.load_state_dict(oracle.state_dict())
    model.eval()
    sequences = [[5, 6, 7, 8], [9, 10]]
    right = lab.pad_batch(sequences, 0)
    with torch.no_grad():
        want = oracle(right["input_ids"], attention_mask=right["attention_mask"]).logits
    assert_close(model(right["input_ids"], right["attention_mask"]), want, atol=1e-5, rtol=1e-5, what="right-padded logits")
    left = lab.pad_batch(sequences, 0, side="left")
    assert_close(model(left["input_ids"], left["attention_mask"]), want, atol=1e-5, rtol=1e-5, what="left-padded logits")


def test_freeze_and_train(lab):
    """freeze() keeps the last block, ln_f and the head trainable; training leaves frozen weights unchanged."""
    torch.manual_seed(0)
    model = lab.GPTClassifier(TINY, 2)
    frozen = list(model.freeze())
    check("score.weight" not in frozen and "transformer.wte.weight" in frozen, "freeze() should freeze the embeddings, not the head")
    check(not any(name.startswith("transformer.h.1.") for name in frozen), "the last block should stay trainable")
    before = model.state_dict()["transformer.wte.weight"].clone()
    batch = lab.pad_batch([[5, 6, 7], [8, 9]], 0)
    losses = lab.train_classifier(model, batch["input_ids"], batch["attention_mask"], torch.tensor([0, 1]), epochs=2, batch_size=2)
    check(len(losses) == 2, f"2 epochs of one batch should give 2 losses, got {len(losses)}")
    check(torch.equal(model.state_dict()["transformer.wte.weight"], before), "a frozen parameter changed during training")
