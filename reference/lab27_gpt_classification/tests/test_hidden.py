"""Hidden tests for lab 27 (a GPT-2 classifier on the last real token).

Oracles:

* data: aclImdb folders written here (``tmp_path``), shipped to the worker
  as a tar archive and extracted there with the worker's own ``tarfile``
  (reached through ``torch.serialization``), with the expected lists
  written out;
* padding helpers: brute force (loops over the mask);
* model: ``transformers.GPT2ForSequenceClassification`` holding the same
  weights, run on each text ALONE (no padding at all) -- the logits a padded
  batch must reproduce, whichever side the padding is on; on right-padded
  batches whose real tokens avoid ``pad_token_id`` the library's own
  batched pooling is compared too. (transformers 5's GPT-2 numbers positions
  ``0 .. seq - 1`` when it gets no ``position_ids``, so a left-padded row
  differs unless the positions are derived from the mask, as the lab asks.)
* training: the stated procedure (seeded ``randperm`` order, one AdamW)
  re-run here on the oracle model, compared to tolerances; frozen
  parameters must be bit-identical.

Every config is tiny (2-3 layers, width 32, vocabulary 100), so the suite
runs in seconds on a CPU.
"""

from __future__ import annotations

import io
import math
import os
import random
import tarfile

import pytest
import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2ForSequenceClassification

from autograder.testing import assert_close, check

torch.set_num_threads(1)  # tiny tensors: one thread is faster and steadier on a shared machine

F32 = dict(atol=1e-5, rtol=1e-5)
VOCAB = 100
EOS = 99

CONFIG = dict(
    vocab_size=VOCAB,
    n_positions=40,
    n_embd=32,
    n_layer=3,
    n_head=2,
    resid_pdrop=0.0,
    embd_pdrop=0.0,
    attn_pdrop=0.0,
    bos_token_id=EOS,
    eos_token_id=EOS,
)


# ---- helpers -------------------------------------------------------------------------------------------------


_counter = iter(range(10**6))


def upload_tree(lab, tmp_path, files: dict) -> str:
    """Create the folder tree ``files`` (relative path -> text, or None for an empty folder) in the worker; return its root."""
    name = f"tree{next(_counter)}"
    archive = tmp_path / f"{name}.tar"
    with tarfile.open(archive, "w") as tar:
        for rel, text in files.items():
            info = tarfile.TarInfo(f"{name}/{rel}")
            if text is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                data = text.encode("utf-8") if isinstance(text, str) else text
                info.size = len(data)
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(data))
    remote = lab.put_file(archive)
    folder = os.path.dirname(remote)
    handle = lab.get("torch.serialization.tarfile").open(remote)
    handle.extractall(folder, filter="data")
    handle.close()
    return f"{folder}/{name}"


def make_oracle(config: dict, num_labels: int, seed: int, scale: float = 0.3, pad_token_id: int = 0):
    """GPT2ForSequenceClassification with random weights (LayerNorm weights around 1) so that no parameter is a no-op."""
    torch.manual_seed(seed)
    oracle = GPT2ForSequenceClassification(GPT2Config(**config, num_labels=num_labels, pad_token_id=pad_token_id))
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in oracle.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if ".ln_" in name:
                p.copy_((1 if name.endswith("weight") else 0) + 0.2 * noise)
            else:
                p.copy_(scale * noise)
    return oracle.eval()


def oracle_state(oracle) -> dict:
    return {k: v.detach().clone() for k, v in oracle.state_dict().items()}


def student_model(lab, config, num_labels, oracle):
    model = lab.GPTClassifier(config, num_labels)
    model.load_state_dict(oracle_state(oracle))
    model.eval()
    return model


def random_sequences(seed: int, rows: int, lengths=None, low: int = 1, high: int = EOS) -> list[list[int]]:
    g = torch.Generator().manual_seed(seed)
    if lengths is None:
        lengths = torch.randint(1, 10, (rows,), generator=g).tolist()
        lengths[0] = 10
    return [torch.randint(low, high, (n,), generator=g).tolist() for n in lengths]


def pad(sequences, pad_id, side):
    """Brute-force padding: (ids, mask) long tensors."""
    width = max(map(len, sequences))
    ids, mask = [], []
    for s in sequences:
        fill = [pad_id] * (width - len(s))
        ids.append(s + fill if side == "right" else fill + s)
        mask.append([1] * len(s) + [0] * len(fill) if side == "right" else [0] * len(fill) + [1] * len(s))
    return torch.tensor(ids), torch.tensor(mask)


def alone(oracle, sequences) -> torch.Tensor:
    """Each text through the oracle on its own, without padding."""
    with torch.no_grad():
        return torch.cat([oracle(torch.tensor([s])).logits for s in sequences])


def oracle_train(oracle, ids, mask, labels, *, epochs, batch_size, lr, seed, frozen=()):
    """The stated procedure on the oracle; positions from the mask so that left padding is handled too."""
    for name, p in oracle.named_parameters():
        p.requires_grad_(name not in frozen)
    optimizer = torch.optim.AdamW([p for p in oracle.parameters() if p.requires_grad], lr=lr)
    generator = torch.Generator().manual_seed(seed)
    oracle.train()
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(labels), generator=generator)
        for start in range(0, len(labels), batch_size):
            b = order[start : start + batch_size]
            logits = oracle_logits(oracle, ids[b], mask[b])
            loss = F.cross_entropy(logits, labels[b])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    oracle.eval()
    return losses


def oracle_logits(oracle, ids, mask):
    """The transformer of the oracle with brute-force positions, read at the last real token."""
    positions = torch.zeros_like(ids)
    for b in range(len(ids)):
        count = 0
        for t in range(ids.shape[1]):
            if mask[b, t]:
                positions[b, t] = count
                count += 1
    hidden = oracle.transformer(input_ids=ids, attention_mask=mask, position_ids=positions).last_hidden_state
    last = torch.tensor([max(t for t in range(ids.shape[1]) if mask[b, t]) for b in range(len(ids))])
    return oracle.score(hidden[torch.arange(len(ids)), last])


def parameter_names(config: dict, num_labels: int = 2) -> list[str]:
    torch.manual_seed(0)
    return [n for n, _ in GPT2ForSequenceClassification(GPT2Config(**config, num_labels=num_labels)).named_parameters()]


def frozen_names(names, n_layer, trainable_blocks, final_norm=True):
    """Brute force: embeddings, the first n_layer - trainable_blocks blocks, ln_f unless final_norm."""
    out = []
    for n in names:
        if n.startswith(("transformer.wte.", "transformer.wpe.")):
            out.append(n)
        elif n.startswith("transformer.h.") and int(n.split(".")[2]) < n_layer - trainable_blocks:
            out.append(n)
        elif n.startswith("transformer.ln_f.") and not final_norm:
            out.append(n)
    return out


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


TRAIN_NEG = [(10, 1, "Ten, rated one."), (2, 4, "Two, rated four."), (1, 3, "One, rated three."), (33, 2, "Thirty-three.")]
TRAIN_POS = [(5, 7, "Five, seven."), (100, 8, "Hundred."), (9, 10, "Nine, ten."), (20, 9, "Twenty.")]
TEST_NEG = [(4, 2, "Test neg four."), (3, 1, "Test neg three.")]
TEST_POS = [(11, 8, "Test pos eleven."), (1, 9, "Test pos one.")]


def layout(seed: int) -> dict:
    entries = []
    for split, folder, rows in (("train", "neg", TRAIN_NEG), ("train", "pos", TRAIN_POS), ("test", "neg", TEST_NEG), ("test", "pos", TEST_POS)):
        entries += [(f"{split}/{folder}/{i}_{r}.txt", text) for i, r, text in rows]
    random.Random(seed).shuffle(entries)
    return dict(entries)


@pytest.mark.parametrize("split", [pytest.param("train", marks=pytest.mark.points(5)), pytest.param("test", marks=pytest.mark.points(3))])
def test_read_imdb_labels_order_ratings(lab, tmp_path, split):
    """read_imdb: neg (0) then pos (1), each by increasing numeric id; labels from the folder; ratings from the name."""
    root = upload_tree(lab, tmp_path, layout(seed=3))
    texts, labels, ratings = lab.read_imdb(root, split)
    neg, pos = (TRAIN_NEG, TRAIN_POS) if split == "train" else (TEST_NEG, TEST_POS)
    ordered = sorted(neg) + sorted(pos)
    check(list(labels) == [0] * len(neg) + [1] * len(pos), f"{split}: labels should be 0 for every neg review then 1 for every pos review")
    check(all(type(y) is int for y in labels), "labels should be Python ints")
    check(sorted(texts) == sorted(t for _, _, t in ordered), f"{split}: the set of texts read is wrong (another split mixed in, or reviews missing)")
    check(list(texts) == [t for _, _, t in ordered], f"{split}: texts are in the wrong order (neg then pos, each by increasing numeric id)")
    check(list(ratings) == [r for _, r, _ in ordered], f"{split}: ratings should be the number after the underscore, in the order of the texts")
    check(all(type(r) is int for r in ratings), "ratings should be Python ints")


@pytest.mark.points(4)
def test_read_imdb_skips_other_entries(lab, tmp_path):
    """read_imdb keeps only files <id>_<rating>.txt directly in <split>/neg and <split>/pos: no unsup, urls, nested or odd names."""
    files = {
        "train/pos/3_8.txt": "Kept, pos.",
        "train/neg/7_2.txt": "Kept, neg second.",
        "train/unsup/0_0.txt": "Unlabelled.",
        "train/unsup/5_7.txt": "Unlabelled too.",
        "train/urls_pos.txt": "http://example.com",
        "train/pos/urls_pos.txt": "not a review",
        "train/labeledBow.feat": "0 0:1",
        "imdb.vocab": "the\nand",
        "train/pos/notes.md": "notes",
        "train/pos/extra/4_9.txt": "Nested one level too deep.",
        "train/pos/99_9.txt.orig": "A backup.",
        "train/Pos/6_9.txt": "Wrong case folder.",
        "train/pos/0_11.txt": "Rating out of range.",
        "train/pos/12_7.txt/": None,
        "test/pos/1_9.txt": "Other split.",
        "train/neg/1_3.txt": "Kept, first.",
    }
    root = upload_tree(lab, tmp_path, files)
    texts, labels, ratings = lab.read_imdb(root, "train")
    check(list(labels) == [0, 0, 1], f"expected labels [0, 0, 1] for the three train reviews, got {list(labels)}")
    check(list(texts) == ["Kept, first.", "Kept, neg second.", "Kept, pos."],
          "only regular files named <id>_<rating>.txt directly inside <split>/neg or <split>/pos are reviews")
    check(list(ratings) == [3, 2, 8], "ratings of the kept reviews are wrong")
    only_neg = upload_tree(lab, tmp_path, {"test/neg/2_1.txt": "Only neg.", "train/pos/1_9.txt": "x"})
    got = lab.read_imdb(only_neg, "test")
    check([list(x) for x in got] == [["Only neg."], [0], [1]], "a missing pos folder counts as empty")
    empty = upload_tree(lab, tmp_path, {"test/": None, "train/pos/1_9.txt": "x"})
    got = lab.read_imdb(empty, "test")
    check([list(x) for x in got] == [[], [], []], "a split folder without neg/pos should give ([], [], [])")


@pytest.mark.points(3)
def test_read_imdb_text_cleaning(lab, tmp_path):
    """read_imdb decodes UTF-8, turns every '<br />' into one space, strips the ends, changes nothing else; clean_review alike."""
    raw = {
        "test/pos/2_9.txt": "  Café crème — 5★!<br /><br />Second  paragraph.<br/>Kept <BR /> too.\n",
        "test/pos/1_8.txt": "Ünïcödé 日本語<br />end<br />",
        "test/neg/8_1.txt": "<br />Fine<br />",
    }
    root = upload_tree(lab, tmp_path, raw)
    texts, labels, _ = lab.read_imdb(root, "test")
    expected = ["Fine", "Ünïcödé 日本語 end", "Café crème — 5★!  Second  paragraph.<br/>Kept <BR /> too."]
    check(list(labels) == [0, 1, 1], "labels should be [0, 1, 1]")
    for got, want, what in zip(texts, expected, ("'<br />' at both ends", "non-ASCII text", "inner spaces, '<br/>' and '<BR />' kept")):
        check(got == want, f"text with {what} is not read exactly (UTF-8, each '<br />' -> ' ', then strip())")
    check(lab.clean_review(" a<br />b <br /><br/> \t") == "a b  <br/>", "clean_review: '<br />' -> ' ', then strip(), nothing else")
    check(lab.clean_review("<br /><br />") == "", "clean_review of only '<br />' gives ''")
    check(lab.clean_review("Up  AND down") == "Up  AND down", "clean_review keeps case and inner spaces")


@pytest.mark.points(2)
def test_read_imdb_errors(lab, tmp_path):
    """read_imdb raises ValueError for a split other than train/test and FileNotFoundError for a missing split folder."""
    root = upload_tree(lab, tmp_path, {"train/pos/1_9.txt": "Good."})
    check(list(lab.read_imdb(root, "train")[1]) == [1], "a valid folder should be read")
    for split in ("unsup", "Train", "valid"):
        with pytest.raises(ValueError):
            lab.read_imdb(root, split)
    with pytest.raises(FileNotFoundError):
        lab.read_imdb(root, "test")
    with pytest.raises(FileNotFoundError):
        lab.read_imdb(root + "/no_such_folder", "train")


# ---- 2. batches ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("side", [pytest.param("right", marks=pytest.mark.points(3)), pytest.param("left", marks=pytest.mark.points(3))])
def test_pad_batch(lab, side):
    """pad_batch pads to the longest row on the given side; the mask marks the sequence's own tokens, pad_id inside them too."""
    sequences = [[5, 9, 9], [9], [1, 2, 3, 4, 9], [7, 7]]
    got = lab.pad_batch(sequences, 9, side=side)
    ids, mask = pad(sequences, 9, side)
    check(set(got) >= {"input_ids", "attention_mask"}, "pad_batch should return input_ids and attention_mask")
    for key, want in (("input_ids", ids), ("attention_mask", mask)):
        check(got[key].dtype == torch.long, f"{key} should be torch.long")
        check(tuple(got[key].shape) == tuple(want.shape), f"{key} should have shape (rows, longest)")
        check(torch.equal(got[key], want), f"{side} padding: {key} is wrong (a pad_id inside a sequence is a real token)")
    same = lab.pad_batch([[3, 4], [5, 6]], 0, side=side)
    check(torch.equal(same["attention_mask"], torch.ones(2, 2, dtype=torch.long)), "equal lengths need no padding")


@pytest.mark.points(2)
def test_pad_batch_default_and_errors(lab):
    """pad_batch pads on the right by default (tuples accepted); empty input, an empty sequence or another side raise ValueError."""
    got = lab.pad_batch(((4, 5, 6), (7,)), 0)
    check(got["input_ids"].tolist() == [[4, 5, 6], [7, 0, 0]], "the default side should be right")
    check(got["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]], "the default side should be right")
    one = lab.pad_batch([[3, 1, 2]], 0, side="".join(["r", "i", "g", "h", "t"]))  # an equal str, not the same object
    check(one["input_ids"].tolist() == [[3, 1, 2]] and one["attention_mask"].tolist() == [[1, 1, 1]], "one sequence is a valid batch")
    mixed = lab.pad_batch([[3], [1, 2]], 0, side="".join(["r", "i", "g", "h", "t"]))
    check(mixed["input_ids"].tolist() == [[3, 0], [1, 2]], 'side equal to "right" (compare strings with ==, not is)')
    for bad in (dict(sequences=[]), dict(sequences=[[1], []]), dict(sequences=[[1]], side="middle"), dict(sequences=[[1]], side="LEFT")):
        with pytest.raises(ValueError):
            lab.pad_batch(pad_id=0, **bad)


def brute_last(mask):
    return torch.tensor([max(t for t in range(mask.shape[1]) if mask[b, t]) for b in range(mask.shape[0])])


@pytest.mark.parametrize("dtype", [pytest.param(torch.long, id="long"), pytest.param(torch.bool, id="bool"), pytest.param(torch.float32, id="float")])
@pytest.mark.points(1)
def test_last_token_index(lab, dtype):
    """last_token_index: the last position with a nonzero mask, for right, left and no padding, any mask dtype."""
    mask = torch.tensor([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0], [0, 0, 0, 0, 1], [0, 1, 1, 0, 0]])
    got = lab.last_token_index(mask.to(dtype))
    check(got.dtype == torch.long, "last_token_index should return torch.long")
    check(tuple(got.shape) == (6,), "last_token_index should return one index per row")
    check(torch.equal(got, brute_last(mask)), "wrong index of the last real token")
    g = torch.Generator().manual_seed(4)
    big = (torch.rand(40, 33, generator=g) < 0.3).long()
    big[:, 0] = 1
    check(torch.equal(lab.last_token_index(big.to(dtype)), brute_last(big)), "wrong index on a random 40 x 33 mask")


@pytest.mark.points(2)
def test_last_token_index_errors(lab):
    """last_token_index raises ValueError when a row has no real token (after a valid call)."""
    check(lab.last_token_index(torch.tensor([[0, 1]])).tolist() == [1], "a valid mask should work")
    for bad in (torch.tensor([[1, 1], [0, 0]]), torch.zeros(1, 3, dtype=torch.bool)):
        with pytest.raises(ValueError):
            lab.last_token_index(bad)


def brute_positions(mask):
    out = torch.zeros(mask.shape, dtype=torch.long)
    for b in range(mask.shape[0]):
        count = 0
        for t in range(mask.shape[1]):
            if mask[b, t]:
                out[b, t] = count
                count += 1
    return out


@pytest.mark.parametrize("dtype", [pytest.param(torch.long, id="long"), pytest.param(torch.bool, id="bool"), pytest.param(torch.float32, id="float")])
@pytest.mark.points(1)
def test_position_ids_from_mask(lab, dtype):
    """position_ids_from_mask: real tokens numbered 0, 1, 2, ... in order, padded positions 0; any mask dtype."""
    mask = torch.tensor([[0, 0, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 1], [0, 0, 0, 0, 1]])
    got = lab.position_ids_from_mask(mask.to(dtype))
    check(got.dtype == torch.long, "position ids should be torch.long")
    check(tuple(got.shape) == tuple(mask.shape), "position ids should have the mask's shape")
    check(torch.equal(got, brute_positions(mask)), "wrong position ids (real tokens count 0, 1, 2, ...; padding gets 0)")


# ---- 3. model ---------------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_classifier_structure(lab):
    """GPTClassifier has GPT2ForSequenceClassification's state_dict keys and shapes; num_labels defaults to 2; < 2 raises."""
    torch.manual_seed(0)
    want = {k: tuple(v.shape) for k, v in GPT2ForSequenceClassification(GPT2Config(**CONFIG, num_labels=3)).state_dict().items()}
    model = lab.GPTClassifier(CONFIG, 3)
    got = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    check(set(got) == set(want), f"state_dict keys differ from GPT2ForSequenceClassification's: missing {sorted(set(want) - set(got))[:4]}, "
          f"unexpected {sorted(set(got) - set(want))[:4]}")
    check(got == want, "some state_dict shapes differ from GPT2ForSequenceClassification's")
    default = lab.GPTClassifier(CONFIG)
    check(tuple(default.state_dict()["score.weight"].shape) == (2, 32), "the default num_labels should be 2")
    for bad in (1, 0):
        with pytest.raises(ValueError):
            lab.GPTClassifier(CONFIG, bad)


@pytest.mark.parametrize("num_labels", [pytest.param(2, id="two_labels"), pytest.param(3, id="three_labels")])
@pytest.mark.points(3)
def test_right_padding_matches_transformers(lab, num_labels):
    """Right padding: logits equal GPT2ForSequenceClassification's (same weights, pad id never a real token) and each text alone."""
    oracle = make_oracle(CONFIG, num_labels, seed=10 + num_labels, pad_token_id=0)
    model = student_model(lab, CONFIG, num_labels, oracle)
    sequences = random_sequences(seed=num_labels, rows=6)
    ids, mask = pad(sequences, 0, "right")
    with torch.no_grad():
        batched = oracle(ids, attention_mask=mask).logits
    got = model(ids, mask)
    assert_close(got, batched, **F32, what="right-padded logits vs GPT2ForSequenceClassification")
    assert_close(got, alone(oracle, sequences), **F32, what="right-padded logits vs each text alone")


@pytest.mark.points(8)
def test_left_and_right_padding_same_logits(lab):
    """Left and right padding give the same logits (atol 1e-5), equal to each text run alone without padding."""
    oracle = make_oracle(CONFIG, 2, seed=21)
    model = student_model(lab, CONFIG, 2, oracle)
    sequences = random_sequences(seed=22, rows=7, lengths=[9, 1, 4, 7, 2, 9, 5])
    want = alone(oracle, sequences)
    right = model(*pad(sequences, 0, "right"))
    left = model(*pad(sequences, 0, "left"))
    assert_close(right, want, **F32, what="right-padded logits vs each text alone")
    assert_close(left, right, **F32, what="left-padded logits vs right-padded logits")
    assert_close(left, want, **F32, what="left-padded logits vs each text alone")


@pytest.mark.points(5)
def test_pad_equals_eos(lab):
    """With pad id = end-of-text id and that id also inside and at the end of texts, padding is read from the mask only."""
    oracle = make_oracle(CONFIG, 3, seed=31, pad_token_id=0)  # 0 never occurs: each text alone is read at its end
    model = student_model(lab, CONFIG, 3, oracle)
    sequences = [[5, 6, EOS, 7, EOS], [8, EOS], [EOS], [3, 4, 5, 6, 7, 8, 9, EOS], [EOS, 2, 3]]
    want = alone(oracle, sequences)
    for side in ("right", "left"):
        assert_close(model(*pad(sequences, EOS, side)), want, **F32, what=f"{side}-padded logits with pad id = eos id")


@pytest.mark.points(3)
def test_padding_amount_and_ids_ignored(lab):
    """The logits do not depend on the ids at padded positions, on extra padding on either side, or on both sides at once."""
    oracle = make_oracle(CONFIG, 2, seed=41)
    model = student_model(lab, CONFIG, 2, oracle)
    sequences = random_sequences(seed=42, rows=4, lengths=[6, 3, 5, 2])
    want = alone(oracle, sequences)
    ids, mask = pad(sequences, 0, "right")
    noisy = ids.clone()
    noisy[mask == 0] = 17
    assert_close(model(noisy, mask), want, **F32, what="logits after changing the ids at padded positions")
    both_ids = torch.cat([torch.full((4, 3), 5), noisy, torch.full((4, 2), 11)], 1)
    both_mask = torch.cat([torch.zeros(4, 3, dtype=torch.long), mask, torch.zeros(4, 2, dtype=torch.long)], 1)
    assert_close(model(both_ids, both_mask), want, **F32, what="logits with padding on both sides")
    assert_close(model(both_ids, both_mask.bool()), want, **F32, what="logits with a bool mask")


@pytest.mark.points(2)
def test_attention_mask_none(lab):
    """attention_mask=None means every token is real: the logits of the last position, as the library gives them."""
    oracle = make_oracle(CONFIG, 2, seed=51, pad_token_id=0)
    model = student_model(lab, CONFIG, 2, oracle)
    ids = torch.tensor(random_sequences(seed=52, rows=3, lengths=[6, 6, 6]))
    with torch.no_grad():
        want = oracle(ids).logits
    assert_close(model(ids), want, **F32, what="logits with attention_mask=None")
    assert_close(model(input_ids=ids, attention_mask=None), want, **F32, what="logits with attention_mask=None by keyword")


@pytest.mark.parametrize(
    "n_layer, trainable, final_norm",
    [pytest.param(3, 1, True, id="last_block"), pytest.param(4, 1, False, id="four_layers_last_block_norm_frozen"),
     pytest.param(3, 0, True, id="head_only"), pytest.param(3, 3, True, id="all_blocks"),
     pytest.param(4, 2, False, id="four_layers_two_blocks_norm_frozen")],
)
@pytest.mark.points(1)
def test_freeze_names(lab, n_layer, trainable, final_norm):
    """freeze(k, final_norm=...) freezes embeddings, all but the LAST k blocks, ln_f unless final_norm; returns the names in order."""
    config = dict(CONFIG, n_layer=n_layer)
    model = lab.GPTClassifier(config)
    got = model.freeze(trainable, final_norm=final_norm)
    want = frozen_names(parameter_names(config), n_layer, trainable, final_norm)
    check(list(got) == want, f"freeze({trainable}, final_norm={final_norm}) with {n_layer} blocks returned the wrong parameter names (or order)")
    check("score.weight" not in list(got), "the head should stay trainable")


@pytest.mark.points(2)
def test_freeze_default_and_second_call(lab):
    """freeze() trains the last block, ln_f and the head by default; a second call replaces the first."""
    names = parameter_names(CONFIG)
    model = lab.GPTClassifier(CONFIG)
    check(list(model.freeze()) == frozen_names(names, 3, 1, True), "freeze() should freeze the embeddings and blocks 0 and 1 only")
    check(list(model.freeze(num_trainable_blocks=3, final_norm=False)) == frozen_names(names, 3, 3, False),
          "after freeze(), freeze(3, final_norm=False) should unfreeze the blocks and freeze only embeddings and ln_f")
    check(list(model.freeze(2)) == frozen_names(names, 3, 2, True), "a third call should replace the second")


@pytest.mark.points(1)
def test_freeze_invalid(lab):
    """freeze raises ValueError for a block count outside 0..n_layer (after a valid call)."""
    model = lab.GPTClassifier(CONFIG)
    model.freeze(3)
    for bad in (-1, 4):
        with pytest.raises(ValueError):
            model.freeze(bad)


# ---- 4. training and evaluation ----------------------------------------------------------------------------------


def toy_data(n: int, seed: int, side: str = "right", pad_id: int = 0):
    """Class 1 texts contain token 7, class 0 texts token 8, at a random place; random lengths 2..8."""
    rng = random.Random(seed)
    labels = [i % 2 for i in range(n)]
    sequences = []
    for y in labels:
        seq = [rng.randrange(10, EOS) for _ in range(rng.randint(2, 8))]
        seq[rng.randrange(len(seq))] = 7 if y else 8
        sequences.append(seq)
    ids, mask = pad(sequences, pad_id, side)
    return ids, mask, torch.tensor(labels)


def check_trained(model, oracle, got, want):
    check(len(got) == len(want), f"expected {len(want)} losses (epochs * ceil(n / batch_size)), got {len(got)}")
    check(all(isinstance(x, float) for x in got), "losses should be Python floats")
    assert_close(torch.tensor(got, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), atol=1e-4, rtol=1e-4,
                 what="the loss sequence (shuffle order, batches, one AdamW, loss before each update)")
    after = model.state_dict()
    for name, value in oracle_state(oracle).items():
        assert_close(after[name], value, atol=2e-4, rtol=1e-3, what=f"the trained parameter {name}")


@pytest.mark.parametrize(
    "side, trainable, epochs, batch_size",
    [pytest.param("right", None, 2, 4, id="right_all_trainable"), pytest.param("left", 1, 3, 5, id="left_last_block")],
)
@pytest.mark.points(4)
def test_train_matches_reference_run(lab, side, trainable, epochs, batch_size):
    """train_classifier reproduces the stated procedure: losses and final weights equal a seeded run of the oracle."""
    oracle = make_oracle(CONFIG, 2, seed=60, scale=0.2)
    model = student_model(lab, CONFIG, 2, oracle)
    frozen = [] if trainable is None else list(model.freeze(trainable))
    ids, mask, labels = toy_data(14, seed=61, side=side)
    got = lab.train_classifier(model, ids, mask, labels, epochs=epochs, batch_size=batch_size, lr=3e-3, seed=7)
    want = oracle_train(oracle, ids, mask, labels, epochs=epochs, batch_size=batch_size, lr=3e-3, seed=7, frozen=set(frozen))
    check_trained(model, oracle, got, want)


@pytest.mark.points(6)
def test_train_frozen_parameters_bit_identical(lab):
    """After freeze() and training, embeddings and blocks 0-1 are bit-identical; the last block, ln_f and head moved; eval mode after."""
    oracle = make_oracle(CONFIG, 2, seed=70, scale=0.2)
    model = student_model(lab, CONFIG, 2, oracle)
    frozen = set(model.freeze())
    check(frozen == set(frozen_names(parameter_names(CONFIG), 3, 1, True)), "freeze() should freeze the embeddings and the first two blocks")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    ids, mask, labels = toy_data(12, seed=71, side="left")
    losses = lab.train_classifier(model, ids, mask, labels, epochs=2, batch_size=4, lr=1e-2, seed=3)
    check(len(losses) == 6, f"expected 6 losses, got {len(losses)}")
    after = model.state_dict()
    for name in parameter_names(CONFIG):
        if name in frozen:
            check(torch.equal(before[name], after[name]), f"the frozen parameter {name} changed during training")
        else:
            check(not torch.equal(before[name], after[name]), f"the trainable parameter {name} did not change during training")
    check(model.training is False, "train_classifier should leave the model in eval mode")


@pytest.mark.points(3)
def test_train_loss_falls(lab):
    """On a separable task (one marker token per class), training the last block and head drives the loss down, left padding."""
    lab.manual_seed(0)
    model = lab.GPTClassifier(CONFIG)
    model.freeze(1, final_norm=False)
    ids, mask, labels = toy_data(32, seed=81, side="left", pad_id=EOS)
    losses = lab.train_classifier(model, ids, mask, labels, epochs=12, batch_size=8, lr=1e-2, seed=0)
    check(len(losses) == 48, f"expected 48 losses, got {len(losses)}")
    check(sum(losses[-4:]) < 0.3 * sum(losses[:4]), "the training loss should fall well below its start")
    result = lab.evaluate(model, ids, mask, labels)
    check(float(result["accuracy"]) >= 0.9, "training accuracy should reach 0.9 on a separable task")


def mismatched(ids, mask, labels):
    """Inputs whose numbers of rows disagree, each way round."""
    extra_ids, extra_mask = torch.cat([ids, ids[:1]]), torch.cat([mask, mask[:1]])
    return [(ids[:-1], mask, labels), (ids, mask[:-1], labels), (extra_ids, mask, labels), (ids, extra_mask, labels),
            (ids, mask, labels[:-1]), (ids, mask[:-1], labels[:-1]), (ids[:-1], mask, labels[:-1])]


@pytest.mark.points(3)
def test_train_defaults_batches_and_errors(lab):
    """Defaults (1 epoch, batch 8, lr 1e-3, seed 0); epochs=0; batch sizes 1 and > n; mismatched rows raise ValueError."""
    oracle = make_oracle(CONFIG, 2, seed=90, scale=0.2)
    model = student_model(lab, CONFIG, 2, oracle)
    ids, mask, labels = toy_data(10, seed=91)
    got = lab.train_classifier(model=model, input_ids=ids, attention_mask=mask, labels=labels)
    want = oracle_train(oracle, ids, mask, labels, epochs=1, batch_size=8, lr=1e-3, seed=0)
    check(len(got) == 2, f"the defaults (1 epoch, batch_size 8) on 10 examples give 2 steps, got {len(got)}")
    check_trained(model, oracle, got, want)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    check(list(lab.train_classifier(model, ids, mask, labels, epochs=0)) == [], "epochs=0 should return []")
    after = model.state_dict()
    check(all(torch.equal(before[k], after[k]) for k in before), "epochs=0 should not change the model")
    check(len(lab.train_classifier(model, ids, mask, labels, epochs=2, batch_size=4, seed=1)) == 6, "10 examples, batch 4, 2 epochs: 6 steps")
    check(len(lab.train_classifier(model, ids[:3], mask[:3], labels[:3], batch_size=1)) == 3, "batch_size=1 is valid: one step per example")
    check(len(lab.train_classifier(model, ids, mask, labels, batch_size=100)) == 1, "a batch_size larger than the data gives one step")
    big_ids, big_mask, big_labels = ids[:, :4].repeat(30, 1), mask[:, :4].repeat(30, 1), labels.repeat(30)
    check(len(lab.train_classifier(model, big_ids, big_mask, big_labels, batch_size=300)) == 1, "300 examples in one batch should train")
    for kwargs in (dict(epochs=-1), dict(batch_size=0), dict(batch_size=-2), dict(epochs=0, batch_size=0)):
        with pytest.raises(ValueError):
            lab.train_classifier(model, ids, mask, labels, **kwargs)
    for bad in mismatched(ids, mask, labels):
        with pytest.raises(ValueError):
            lab.train_classifier(model, *bad)


@pytest.mark.points(3)
def test_evaluate_matches_oracle(lab):
    """evaluate: mean loss over all examples, accuracy, argmax predictions, in eval mode; independent of batch_size."""
    config = dict(CONFIG, resid_pdrop=0.3)
    oracle = make_oracle(config, 3, seed=95)
    model = student_model(lab, config, 3, oracle)
    sequences = random_sequences(seed=96, rows=11)
    labels = torch.tensor([0, 1, 2, 2, 1, 0, 0, 1, 2, 1, 0])
    logits = alone(oracle, sequences)
    ids, mask = pad(sequences, 0, "left")
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


@pytest.mark.points(2)
def test_evaluate_ties_and_errors(lab):
    """evaluate predicts the lowest class on tied logits; no examples, batch_size < 1 or mismatched rows raise ValueError."""
    oracle = make_oracle(CONFIG, 3, seed=97)
    with torch.no_grad():
        oracle.score.weight.zero_()
    model = student_model(lab, CONFIG, 3, oracle)
    ids, mask = pad(random_sequences(seed=98, rows=3), 0, "right")
    y = torch.tensor([0, 1, 2])
    got = lab.evaluate(model, ids, mask, y)
    check(list(got["predictions"]) == [0, 0, 0], "tied logits should predict the lowest class")
    assert_close(float(got["accuracy"]), 1 / 3, atol=1e-9, rtol=0, what="accuracy with one of three right")
    assert_close(float(got["loss"]), math.log(3), atol=1e-6, rtol=0, what="loss with uniform logits (log 3)")
    check(list(lab.evaluate(model=model, input_ids=ids, attention_mask=mask, labels=y, batch_size=1)["predictions"]) == [0, 0, 0],
          "batch_size=1 is valid")
    with pytest.raises(ValueError):
        lab.evaluate(model, ids[:0], mask[:0], torch.tensor([], dtype=torch.long))
    for bad_size in (0, -1):
        with pytest.raises(ValueError):
            lab.evaluate(model, ids, mask, y, batch_size=bad_size)
    single = lab.evaluate(model, ids[:1], mask[:1], torch.tensor([0]))
    check(list(single["predictions"]) == [0] and float(single["accuracy"]) == 1.0, "one example is valid")
    big = lab.evaluate(model, ids.repeat(100, 1), mask.repeat(100, 1), y.repeat(100))
    check(len(big["predictions"]) == 300, "300 examples should give 300 predictions")
    for bad in mismatched(ids, mask, y):
        with pytest.raises(ValueError):
            lab.evaluate(model, *bad)


@pytest.mark.points(4)
def test_end_to_end_from_folder(lab, tmp_path):
    """The whole pipeline: aclImdb folder -> word ids -> left-padded batches -> fine-tune the last block -> test accuracy >= 0.85."""
    rng = random.Random(7)
    good, bad = ["great", "loved"], ["awful", "hated"]
    filler = "the movie film plot actor scene story was is and a it this of with".split()
    files = {}
    for split, count in (("train", 96), ("test", 40)):
        for i in range(count):
            positive = i % 2 == 1
            words = [rng.choice(filler) for _ in range(rng.randint(2, 6))]
            words.insert(rng.randrange(len(words) + 1), rng.choice(good if positive else bad))
            rating = rng.randint(7, 10) if positive else rng.randint(1, 4)
            files[f"{split}/{'pos' if positive else 'neg'}/{i}_{rating}.txt"] = " ".join(words) + "<br /><br />"
    root = upload_tree(lab, tmp_path, files)
    vocab = {w: i + 1 for i, w in enumerate(sorted(set(good + bad + filler)))}
    data = {}
    for split in ("train", "test"):
        texts, labels, ratings = lab.read_imdb(root, split)
        check(all((r >= 7) == bool(y) for r, y in zip(ratings, labels)), "ratings should match the folders (7-10 pos, 1-4 neg)")
        batch_ = lab.pad_batch([[vocab[w] for w in t.split(" ")] for t in texts], EOS, side="left")
        data[split] = (batch_["input_ids"], batch_["attention_mask"], torch.tensor(labels))
    lab.manual_seed(0)
    model = lab.GPTClassifier(CONFIG)
    model.freeze(1)
    losses = lab.train_classifier(model, *data["train"], epochs=8, batch_size=8, lr=3e-3, seed=0)
    check(sum(losses[-5:]) < 0.3 * sum(losses[:5]), "the training loss should fall well below its start")
    accuracy = float(lab.evaluate(model, *data["test"])["accuracy"])
    check(accuracy >= 0.85, f"test accuracy {accuracy:.2f} is below 0.85 on an easy task")
