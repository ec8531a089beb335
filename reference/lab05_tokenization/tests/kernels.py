"""Inputs for the timed kernels ``bpe_encode_speed`` and ``train_bpe_speed``.

``bpe_encode_speed`` (BPE encoding speed):
The engine calls ``bpe_encode(text, vocab, merges, special_tokens)``: a text
of about 30 kB of English-like prose with some non-ASCII words, documents
separated by ``<|endoftext|>``; 500 merges learned (once, by HF
``tokenizers``, which is fast and deterministic) from another text of the
same kind; the vocabulary in :func:`train_bpe`'s layout. The output, a list
of ints, must equal the reference's exactly. One call of the reference
takes about 10-20 ms on one CPU core.

``train_bpe_speed`` (BPE training speed): the engine calls
``train_bpe(text, vocab_size, [EOT])`` on a fresh text of about 40 kB of the
same kind (documents separated by ``<|endoftext|>``) with room for 400
merges. The vocabulary and the merges must equal the reference's exactly.
The reference updates the pair counts only in the pieces that hold the
merged pair; a trainer that recounts every pair at every merge is about 4-5x
slower here and earns no speed points. One call of the reference takes about
100-200 ms on one CPU core.
"""

from __future__ import annotations

import functools
import json
import random

EOT = "<|endoftext|>"
TEXT_CHARS = 30_000
NUM_MERGES = 500

_WORDS = (
    "the of and to a in is it you that he was for on are with as I his they be at one have this from or had by "
    "word but what some we can out other were all there when up use your how said an each she which do their time "
    "if will way about many then them write would like so these her long make thing see him two has look more day "
    "could go come did number sound no most people my over know water than call first who may down side been now "
    "find any new work part take get place made live where after back little only round man year came show every "
    "good me give our under name very through just form sentence great think say help low line differ turn cause "
    "much mean before move right boy old too same tell does set three want air well also play small end put home "
    "read hand port large spell add even land here must big high such follow act why ask men change went light "
    "kind off need house picture try us again animal point mother world near build self earth father tokenizer "
    "don't it's we'll I'm café naïve Zürich 東京 Москва 🙂 1984 3.14 42 2,000 (see) #tag @user"
).split()


def _text(rng: random.Random, n_chars: int) -> str:
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(_WORDS))]
    parts, size = [], 0
    while size < n_chars:
        sentence = " ".join(rng.choices(_WORDS, weights, k=rng.randint(4, 16)))
        sentence = sentence[0].upper() + sentence[1:] + rng.choice([".", ".", "!", "?", ","])
        sentence += rng.choice([" ", " ", " ", "\n", "\n\n", EOT])
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)


def _byte_to_unicode() -> dict[int, str]:
    keep = set(range(ord("!"), ord("~") + 1)) | set(range(ord("¡"), ord("¬") + 1)) | set(range(ord("®"), ord("ÿ") + 1))
    table, extra = {}, 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


@functools.lru_cache(maxsize=1)
def _vocab_and_merges() -> tuple[dict[int, bytes], list[tuple[bytes, bytes]]]:
    from tokenizers import ByteLevelBPETokenizer

    hf = ByteLevelBPETokenizer(add_prefix_space=False)
    training = _text(random.Random(0), 60_000).replace(EOT, "\n")
    hf.train_from_iterator([training], vocab_size=256 + NUM_MERGES, min_frequency=2, show_progress=False)
    back = {c: b for b, c in _byte_to_unicode().items()}
    raw = json.loads(hf._tokenizer.to_str())["model"]["merges"]
    pairs = [p.split(" ", 1) if isinstance(p, str) else p for p in raw]
    merges = [(bytes(back[c] for c in a), bytes(back[c] for c in b)) for a, b in pairs]
    vocab = {i: bytes([i]) for i in range(256)}
    for rank, (a, b) in enumerate(merges):
        vocab[256 + rank] = a + b
    vocab[256 + len(merges)] = EOT.encode()
    return vocab, merges


def bpe_encode_inputs(seed: int) -> tuple[tuple, dict]:
    """``(text, vocab, merges, [EOT])``: a fresh ~30 kB text for each seed, fixed merges."""
    vocab, merges = _vocab_and_merges()
    text = _text(random.Random(seed), TEXT_CHARS)
    return (text, dict(vocab), list(merges), [EOT]), {}


TRAIN_CHARS = 40_000
TRAIN_MERGES = 400


def train_bpe_inputs(seed: int) -> tuple[tuple, dict]:
    """``(text, vocab_size, [EOT])``: a fresh ~40 kB text for each seed, room for TRAIN_MERGES merges."""
    text = _text(random.Random(seed), TRAIN_CHARS)
    return (text, 256 + TRAIN_MERGES + 1, [EOT]), {}
