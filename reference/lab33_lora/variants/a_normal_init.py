"""A is drawn from a normal distribution with the Kaiming-uniform standard deviation (unbounded)."""


def _reset(self) -> None:
    with torch.no_grad():
        nn.init.normal_(self.lora_A, std=1 / math.sqrt(3 * self.in_features))
        nn.init.zeros_(self.lora_B)


LoRALinear.reset_lora_parameters = _reset
