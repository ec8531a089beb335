"""freeze returns the right names but never sets requires_grad, so training still moves the "frozen" parameters."""


def _freeze(self, num_layers, *, embeddings=True):
    layers = self.bert.encoder.layer
    if not 0 <= num_layers <= len(layers):
        raise ValueError("bad num_layers")
    prefixes = tuple([f"bert.encoder.layer.{i}." for i in range(num_layers)] + (["bert.embeddings."] if embeddings else []))
    return [name for name, _ in self.named_parameters() if name.startswith(prefixes)]


BertClassifier.freeze = _freeze
