"""A is initialised to zero as well as B: no gradient ever reaches either factor."""


def _reset(self) -> None:
    with torch.no_grad():
        nn.init.zeros_(self.lora_A)
        nn.init.zeros_(self.lora_B)


LoRALinear.reset_lora_parameters = _reset
