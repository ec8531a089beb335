"""Public sanity checks for lab 21 (T5 text-to-text, seq2seq loss and decoding, BART noise).

Run with ``autograder test lab21_t5_seq2seq`` or
``pytest assignments/lab21_t5_seq2seq``. Passing these does not mean the
hidden tests pass: they also compare your loss and training loop with
``T5ForConditionalGeneration``, your greedy and beam search with
``generate`` on several tiny models and settings (length penalties, early
stopping, several returned sequences, scores included), and your noise
functions with the stated distributions over many seeded draws.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from transformers import T5Config, T5ForConditionalGeneration

from autograder.testing import assert_close, check

TINY = dict(vocab_size=48, d_model=16, d_kv=8, d_ff=32, num_layers=1, num_decoder_layers=1, num_heads=2,
            dropout_rate=0.0, tie_word_embeddings=False, decoder_start_token_id=0)


def tiny_t5(seed: int = 0) -> T5ForConditionalGeneration:
    torch.manual_seed(seed)
    return T5ForConditionalGeneration(T5Config(**TINY)).eval()


def test_format_example(lab):
    """format_example puts the task prefix, one space, then the whitespace-normalised text."""
    got = lab.format_example("summarize", "  Long   text. ")
    check(got == "summarize: Long text.", f"format_example('summarize', '  Long   text. ') should be 'summarize: Long text.', got {got!r}")


def test_shift_right(lab):
    """shift_right prepends the start token, drops the last label and replaces -100 by the pad id."""
    labels = torch.tensor([[5, 6, 7, 1], [8, 1, -100, -100]])
    got = lab.shift_right(labels)
    expected = tiny_t5()._shift_right(labels)
    check(torch.equal(got, expected), f"shift_right({labels.tolist()}) should be {expected.tolist()}, got {got.tolist()}")


def test_collate(lab):
    """collate pads sources with the pad id and labels with -100."""
    out = lab.collate([[5, 6, 1], [7, 1]], [[8, 1], [9, 10, 11, 1]])
    check(out["input_ids"].tolist() == [[5, 6, 1], [7, 1, 0]], f"input_ids are wrong: {out['input_ids'].tolist()}")
    check(out["attention_mask"].tolist() == [[1, 1, 1], [1, 1, 0]], f"attention_mask is wrong: {out['attention_mask'].tolist()}")
    check(out["labels"].tolist() == [[8, 1, -100, -100], [9, 10, 11, 1]], f"labels are wrong: {out['labels'].tolist()}")
    check(out["decoder_input_ids"].tolist() == [[0, 8, 1, 0], [0, 9, 10, 11]], f"decoder_input_ids are wrong: {out['decoder_input_ids'].tolist()}")


def test_loss_matches_t5(lab):
    """seq2seq_loss of T5's logits equals the loss T5ForConditionalGeneration computes from the labels."""
    model = tiny_t5(1)
    batch = lab.collate([[5, 6, 1], [7, 1]], [[8, 1], [9, 10, 11, 1]])
    with torch.no_grad():
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"])
    assert_close(lab.seq2seq_loss(out.logits, batch["labels"]), out.loss, atol=1e-5, rtol=1e-5, what="the loss")


def test_greedy_and_beam_match_generate(lab):
    """greedy_decode and beam_search (num_beams=3) give generate's tokens on a tiny T5."""
    model = tiny_t5(2)
    source = torch.tensor([5, 9, 13, 17, 1])
    mine = lab.build_t5(TINY, model.state_dict())
    ref = model.generate(source[None], do_sample=False, max_new_tokens=6, decoder_start_token_id=0)[0, 1:].tolist()
    ref = ref[: ref.index(1) + 1] if 1 in ref else ref
    got = lab.greedy_decode(mine, source, max_new_tokens=6)
    check(list(got) == ref, f"greedy_decode gave {list(got)}, generate gave {ref}")
    out = model.generate(source[None], do_sample=False, num_beams=3, max_new_tokens=6, decoder_start_token_id=0,
                         output_scores=True, return_dict_in_generate=True)
    ref = out.sequences[0, 1:].tolist()
    ref = ref[: ref.index(1) + 1] if 1 in ref else ref
    (tokens, score), = lab.beam_search(mine, source, num_beams=3, max_new_tokens=6)
    check(list(tokens) == ref, f"beam_search gave {list(tokens)}, generate gave {ref}")
    assert_close(torch.tensor(score), out.sequences_scores[0], atol=1e-4, rtol=1e-5, what="the beam score")


def test_span_mask_invariants(lab):
    """span_mask masks exactly round(ratio * n) tokens and keeps the other tokens in order."""
    gen = lab.get("torch").Generator().manual_seed(0)
    tokens = list(range(10, 30))
    out = list(lab.span_mask(tokens, 3, 0.3, 3.0, gen))
    kept = [t for t in out if t != 3]
    check(kept == sorted(kept), "the unmasked tokens must keep their order")
    check(len(tokens) - len(kept) == 6, f"round(0.3 * 20) = 6 tokens should be masked, got {len(tokens) - len(kept)}")


def test_permute_sentences_keeps_sentences(lab):
    """permute_sentences returns the same sentences, each intact, in some order."""
    gen = lab.get("torch").Generator().manual_seed(0)
    doc = [10, 11, 2, 12, 2, 13, 14]
    out = list(lab.permute_sentences(doc, 2, gen))
    check(sorted(out) == sorted(doc), f"the tokens changed: {out}")
    for sentence in ([10, 11, 2], [12, 2], [13, 14]):
        i = out.index(sentence[0])
        check(out[i : i + len(sentence)] == sentence, f"the sentence {sentence} was broken up: {out}")
