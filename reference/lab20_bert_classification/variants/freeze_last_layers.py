"""freeze(k) freezes the LAST k encoder layers (closest to the output) instead of the first k."""


def _freeze(self, num_layers, *, embeddings=True):
    layers = self.bert.encoder.layer
    if not 0 <= num_layers <= len(layers):
        raise ValueError("bad num_layers")
    for parameter in self.parameters():
        parameter.requires_grad_(True)
    frozen = [*layers[len(layers) - num_layers :]]
    if embeddings:
        frozen.append(self.bert.embeddings)
    for module in frozen:
        module.requires_grad_(False)
    return [name for name, parameter in self.named_parameters() if not parameter.requires_grad]


BertClassifier.freeze = _freeze
