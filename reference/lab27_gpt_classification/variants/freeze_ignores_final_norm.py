"""freeze never freezes ln_f: final_norm=False still leaves the final layer norm trainable."""


def _freeze(self, num_trainable_blocks=1, *, final_norm=True):
    blocks = self.transformer.h
    if not 0 <= num_trainable_blocks <= len(blocks):
        raise ValueError("bad num_trainable_blocks")
    self.requires_grad_(True)
    for module in [self.transformer.wte, self.transformer.wpe, *blocks[: len(blocks) - num_trainable_blocks]]:
        module.requires_grad_(False)
    return [name for name, parameter in self.named_parameters() if not parameter.requires_grad]


GPTClassifier.freeze = _freeze
