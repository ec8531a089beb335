"""freeze(k) freezes the first k layers but forgets the embeddings, which keep training."""


def _freeze(self, num_layers, *, embeddings=True):
    layers = self.bert.encoder.layer
    if not 0 <= num_layers <= len(layers):
        raise ValueError("bad num_layers")
    for parameter in self.parameters():
        parameter.requires_grad_(True)
    for module in layers[:num_layers]:
        module.requires_grad_(False)
    return [name for name, parameter in self.named_parameters() if not parameter.requires_grad]


BertClassifier.freeze = _freeze
