"""count_parameters counts every parameter as trainable, frozen or not."""


def count_parameters(model):
    total = sum(p.numel() for p in model.parameters())
    return total, total
