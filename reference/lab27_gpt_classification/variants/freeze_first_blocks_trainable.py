"""freeze keeps the FIRST num_trainable_blocks blocks trainable and freezes the last ones."""


def _freeze(self, num_trainable_blocks=1, *, final_norm=True):
    blocks = self.transformer.h
    if not 0 <= num_trainable_blocks <= len(blocks):
        raise ValueError("bad num_trainable_blocks")
    self.requires_grad_(True)
    frozen = [self.transformer.wte, self.transformer.wpe, *blocks[num_trainable_blocks:]]
    if not final_norm:
        frozen.append(self.transformer.ln_f)
    for module in frozen:
        module.requires_grad_(False)
    return [name for name, parameter in self.named_parameters() if not parameter.requires_grad]


GPTClassifier.freeze = _freeze
