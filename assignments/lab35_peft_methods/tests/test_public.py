"""Public tests for lab 35: quick sanity checks. The hidden tests compare with peft and go much further."""

from __future__ import annotations

import torch

from autograder.testing import assert_close, check

TINY = dict(vocab_size=40, n_positions=24, n_embd=16, n_layer=2, n_head=2, resid_pdrop=0.0, embd_pdrop=0.0,
            attn_pdrop=0.0, bos_token_id=39, eos_token_id=39)


def _inputs():
    ids = torch.tensor([[3, 8, 1, 20, 5], [7, 7, 2, 0, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    return ids, mask, ids.masked_fill(mask == 0, -100)


def test_fresh_adapter_returns_its_input(lab):
    """A new BottleneckAdapter changes nothing: up starts at zero."""
    adapter = lab.BottleneckAdapter(8, 2)
    x = torch.linspace(-3, 3, 24).reshape(3, 8)
    check(torch.equal(adapter(x), x), "a new adapter should be the identity (is up zero-initialised? is the residual there?)")
    names = sorted(adapter.state_dict())
    check(names == ["down.bias", "down.weight", "up.bias", "up.weight"], f"unexpected adapter parameters {names}")


def test_adapter_model_starts_as_the_base(lab):
    """Wrapping a base model with adapters leaves its logits unchanged until training."""
    torch.manual_seed(3)
    base = lab.build_base_model(TINY)
    ids, mask, labels = _inputs()
    with torch.no_grad():
        plain = base(input_ids=ids, attention_mask=mask).logits
    wrapped = lab.AdapterModel(base, 3)
    out = wrapped(ids, mask, labels)
    assert_close(out["logits"][0], plain[0], atol=1e-6, rtol=1e-6, what="adapter model logits at init")
    check(out["loss"] is not None, "a loss should be returned when labels are given")
    trainable, total = lab.count_parameters(wrapped)
    check(trainable == 2 * 2 * (2 * 16 * 3 + 3 + 16), f"expected only the 4 adapters to be trainable, got {trainable} trainable parameters")
    check(total > trainable, "the total should include the frozen base model")


def test_prefix_model_shapes(lab):
    """PrefixTuningModel: one (k, n_embd) key and value block per layer, real-position logits only."""
    torch.manual_seed(4)
    model = lab.PrefixTuningModel(lab.build_base_model(TINY), 3)
    state = model.state_dict()
    check(tuple(state["prefix_keys"].shape) == (2, 3, 16), "prefix_keys should be (n_layer, k, n_embd)")
    check(tuple(state["prefix_values"].shape) == (2, 3, 16), "prefix_values should be (n_layer, k, n_embd)")
    ids, mask, labels = _inputs()
    out = model(ids, mask, labels)
    check(tuple(out["logits"].shape) == (2, 5, 40), "logits should cover the real positions only: (batch, seq, vocab)")
    check(lab.count_parameters(model)[0] == 2 * 2 * 3 * 16, "only the prefix should be trainable")


def test_prompt_model_shapes_and_init(lab):
    """PromptTuningModel: a (k, n_embd) prompt, real-position logits, init from ids cycles them."""
    torch.manual_seed(5)
    base = lab.build_base_model(TINY)
    table = base.state_dict()["transformer.wte.weight"]
    model = lab.PromptTuningModel(base, 4, init_token_ids=[11, 2, 30])
    prompt = model.state_dict()["prompt.weight"]
    check(torch.equal(prompt, table[torch.tensor([11, 2, 30, 11])]), "ids [11, 2, 30] with k=4 should give rows 11, 2, 30, 11")
    ids, mask, labels = _inputs()
    out = model(ids, mask, labels)
    check(tuple(out["logits"].shape) == (2, 5, 40), "logits should cover the real positions only: (batch, seq, vocab)")
    check(bool(torch.isfinite(out["loss"])), "the loss should be finite")


def test_training_touches_only_the_prompt(lab):
    """train_peft returns one loss per step and leaves the frozen base untouched."""
    torch.manual_seed(6)
    model = lab.PromptTuningModel(lab.build_base_model(TINY), 2)
    before = {name: t.clone() for name, t in model.state_dict().items()}
    ids, mask, labels = _inputs()
    losses = lab.train_peft(model, ids, mask, labels, 5, lr=0.1)
    check(len(losses) == 5, "one loss per step")
    after = model.state_dict()
    changed = [k for k in before if not torch.equal(before[k], after[k])]
    check(changed == ["prompt.weight"], f"only the prompt should change, changed: {changed[:4]}")
    check(losses[-1] < losses[0], "the loss should fall over 5 steps")


def test_comparison_table(lab):
    """compare_methods returns four rows in the documented order."""
    torch.manual_seed(7)
    state = lab.build_base_model(TINY).state_dict()
    ids, mask, labels = _inputs()
    rows = lab.compare_methods(TINY, state, ids, mask, labels, steps=2)
    check([r["method"] for r in rows] == ["full", "adapter", "prefix", "prompt"], "rows: full, adapter, prefix, prompt")
    check(rows[0]["trainable_params"] == rows[0]["total_params"], "full fine-tuning trains everything")
    check(all(r["trainable_params"] < r["total_params"] for r in rows[1:]), "the PEFT methods train a fraction only")
