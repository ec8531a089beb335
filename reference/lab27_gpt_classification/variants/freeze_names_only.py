"""freeze returns the right names but never sets requires_grad, so training still moves the "frozen" parameters."""


def _freeze(self, num_trainable_blocks=1, *, final_norm=True):
    blocks = self.transformer.h
    if not 0 <= num_trainable_blocks <= len(blocks):
        raise ValueError("bad num_trainable_blocks")
    prefixes = ["transformer.wte.", "transformer.wpe."]
    prefixes += [f"transformer.h.{i}." for i in range(len(blocks) - num_trainable_blocks)]
    if not final_norm:
        prefixes.append("transformer.ln_f.")
    return [name for name, _ in self.named_parameters() if name.startswith(tuple(prefixes))]


GPTClassifier.freeze = _freeze
