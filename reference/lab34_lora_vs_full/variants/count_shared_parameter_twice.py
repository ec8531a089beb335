"""count_parameters walks named_parameters(remove_duplicate=False): a tied embedding counts twice."""


def count_parameters(model):
    params = [p for _, p in model.named_parameters(remove_duplicate=False)]
    return {
        "trainable": sum(p.numel() for p in params if p.requires_grad),
        "total": sum(p.numel() for p in params),
    }
