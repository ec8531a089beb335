"""Every parameter named '...weight' is decayed: LayerNorm weights too; only biases are spared."""

import math

import torch


def decay_groups(shapes: Mapping[str, Sequence[int]], weight_decay: float) -> list[dict]:
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    decay = [name for name, shape in shapes.items() if not name.endswith("bias")]
    no_decay = [name for name, shape in shapes.items() if name.endswith("bias")]
    return [{"params": decay, "weight_decay": float(weight_decay)}, {"params": no_decay, "weight_decay": 0.0}]
