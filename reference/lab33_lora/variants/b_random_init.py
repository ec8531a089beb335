"""B is initialised randomly like A, so the model changes as soon as LoRA is injected."""


def _reset(self) -> None:
    with torch.no_grad():
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        nn.init.kaiming_uniform_(self.lora_B, a=math.sqrt(5))


LoRALinear.reset_lora_parameters = _reset
