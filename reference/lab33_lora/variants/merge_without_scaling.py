"""merge and unmerge add and subtract B @ A, forgetting the scaling."""


@torch.no_grad()
def _merge(self) -> bool:
    if self.merged:
        return False
    self.base.weight += self.lora_B @ self.lora_A
    self.merged = True
    return True


@torch.no_grad()
def _unmerge(self) -> bool:
    if not self.merged:
        return False
    self.base.weight -= self.lora_B @ self.lora_A
    self.merged = False
    return True


LoRALinear.merge = _merge
LoRALinear.unmerge = _unmerge
