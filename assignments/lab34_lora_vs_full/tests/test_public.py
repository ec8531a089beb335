"""Public sanity checks for lab 34 (LoRA against full fine-tuning).

Run with ``autograder test lab34_lora_vs_full``. Passing these does not mean
the hidden tests pass: they also check the counts on grouped-query and
tied-embedding models, for every projection and against peft, the bytes of
SGD / momentum / AdamW state in float32, bfloat16 and float16, every loss
and weight of your training against a run of the recipe with torch's
optimizers, the warm-up rule of the step time, every option and default
of compare, and the exact text of the CSV table.
"""

from __future__ import annotations

import statistics

import torch

from autograder.testing import check


def small_model(lab):
    return lab.build_model({"hidden_size": 8, "intermediate_size": 16}, seed=0)


def test_full_model_counts(lab):
    """A fresh model: everything trainable, trainable == total."""
    counts = lab.count_parameters(small_model(lab))
    check(set(counts) == {"trainable", "total"}, "count_parameters returns a dict with 'trainable' and 'total'")
    check(counts["trainable"] == counts["total"] > 0, "in a fresh model every parameter is trainable")


def test_lora_rank_one_on_q_proj(lab):
    """One rank-1 adapter per q_proj (8 -> 8) in each of 2 layers: 2 * 1 * (8 + 8) = 32 trainable parameters."""
    model = small_model(lab)
    before = lab.count_parameters(model)["total"]
    model = lab.apply_lora(model, 1, targets=("q_proj",))
    counts = lab.count_parameters(model)
    check(counts["trainable"] == 32, f"expected 32 trainable parameters, got {counts['trainable']}")
    check(counts["total"] == before + 32, "the adapters are added to the model's parameters")
    check(
        lab.lora_parameter_count({"hidden_size": 8, "intermediate_size": 16}, 1, ("q_proj",)) == 32,
        "lora_parameter_count should give 32 here too",
    )


def test_adamw_keeps_two_float32_moments(lab):
    """After one AdamW step the state holds 2 x 4 bytes per trainable parameter."""
    model = lab.apply_lora(small_model(lab), 2)
    opt = lab.make_optimizer(model, "adamw", 0.01)
    data = lab.make_task(32, 2, 6, seed=0)
    loss = lab.train_step(model, opt, data)
    check(isinstance(loss, float), "train_step returns the loss as a float")
    trainable = lab.count_parameters(model)["trainable"]
    check(
        lab.optimizer_state_bytes(opt) == 8 * trainable,
        "AdamW keeps exp_avg and exp_avg_sq (float32) per trainable parameter; the step counter is not counted",
    )


def test_train_result_shape(lab):
    """train returns one loss and one time per step; step_time_s is the median after the warm-up."""
    model = small_model(lab)
    result = lab.train(model, lab.make_task(32, 4, 8), steps=4, lr=0.01)
    check(len(result["losses"]) == 4 and len(result["step_times_s"]) == 4, "one loss and one time per step")
    check(result["step_time_s"] == statistics.median(result["step_times_s"][1:]), "the median of the times after the first step")
    check(result["final_loss"] < result["losses"][0], "the loss should fall over 4 AdamW steps at lr 0.01")


def test_compare_table_and_plot(lab, tmp_path):
    """compare gives 'full' then one row per rank; write_table and plot write their files."""
    rows = lab.compare(ranks=(2,), steps=2)
    check([row["method"] for row in rows] == ["full", "lora-r2"], "rows: 'full' then 'lora-r2'")
    check(rows[1]["trainable"] < rows[0]["trainable"], "LoRA trains far fewer parameters")
    lab.write_table(rows, str(tmp_path / "table.csv"))
    text = (tmp_path / "table.csv").read_text()
    check(text.startswith("method,trainable,"), "the CSV starts with the header line")
    lab.plot(rows, str(tmp_path / "plot.png"))
    check((tmp_path / "plot.png").read_bytes()[:4] == b"\x89PNG", "plot writes a PNG file")
    check(torch.is_tensor(lab.make_task(32, 1, 3)), "(make_task is provided)")
