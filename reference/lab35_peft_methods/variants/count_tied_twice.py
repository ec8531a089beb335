"""count_parameters counts a shared parameter (GPT-2's tied embedding and head) twice."""


def count_parameters(model):
    trainable = total = 0
    for _, p in model.named_parameters(remove_duplicate=False):
        total += p.numel()
        if p.requires_grad:
            trainable += p.numel()
    return trainable, total
