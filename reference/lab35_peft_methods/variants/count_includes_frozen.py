"""count_parameters counts frozen weights as trainable."""


def count_parameters(model):
    total = sum(p.numel() for p in model.parameters())
    return total, total
