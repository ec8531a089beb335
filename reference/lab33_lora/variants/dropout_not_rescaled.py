"""Dropout zeroes inputs but does not scale the kept ones by 1 / (1 - p)."""


def _forward(self, x):
    if self.merged:
        return self.base(x)
    if self.training:
        x = x * (torch.rand_like(x) >= self.dropout.p)
    return self.base(x) + self.scaling * F.linear(F.linear(x, self.lora_A), self.lora_B)


LoRALinear.forward = _forward
