"""A is Kaiming-initialised with the wrong fan (r instead of in_features): bound 1/sqrt(r)."""


def _reset(self) -> None:
    with torch.no_grad():
        nn.init.kaiming_uniform_(self.lora_A.T, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B)


LoRALinear.reset_lora_parameters = _reset
