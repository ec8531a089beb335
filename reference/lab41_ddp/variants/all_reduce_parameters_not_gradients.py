"""average_gradients averages the parameters (identical on every rank) instead of the gradients."""


def average_gradients(model):
    world_size = dist.get_world_size()
    for param in model.parameters():
        if param.grad is not None:
            with torch.no_grad():
                dist.all_reduce(param.data, op=dist.ReduceOp.SUM)
                param.data.div_(world_size)
