"""merge does not look at the merged flag: merging twice adds the update twice."""


@torch.no_grad()
def _merge(self) -> bool:
    self.base.weight += self.delta_weight()
    self.merged = True
    return True


LoRALinear.merge = _merge
