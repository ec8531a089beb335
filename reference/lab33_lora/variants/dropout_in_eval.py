"""Dropout stays active in eval mode (F.dropout with training=True)."""


def _forward(self, x):
    if self.merged:
        return self.base(x)
    p = self.dropout.p
    return self.base(x) + self.scaling * F.linear(F.linear(F.dropout(x, p, training=True), self.lora_A), self.lora_B)


LoRALinear.forward = _forward
