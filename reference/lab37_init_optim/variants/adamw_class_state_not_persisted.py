"""AdamW.step starts every call from an empty state: moments and step count are lost."""

import math

import torch


def step(self, grads: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    return _grouped_step(self.param_groups, [{} for _ in self._states], grads, adamw_step)


AdamW.step = step
