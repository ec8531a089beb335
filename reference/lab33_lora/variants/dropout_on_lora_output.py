"""Dropout is applied to the output of A (inside the bottleneck) instead of to its input x."""


def _forward(self, x):
    if self.merged:
        return self.base(x)
    return self.base(x) + self.scaling * F.linear(self.dropout(F.linear(x, self.lora_A)), self.lora_B)


LoRALinear.forward = _forward
