"""unmerge only clears the flag: the update stays in the base weight (and is then added twice)."""


@torch.no_grad()
def _unmerge(self) -> bool:
    if not self.merged:
        return False
    self.merged = False
    return True


LoRALinear.unmerge = _unmerge
