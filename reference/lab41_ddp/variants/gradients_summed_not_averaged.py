"""average_gradients all-reduces the gradients but never divides by the world size: a sum, not a mean."""


def average_gradients(model):
    for param in model.parameters():
        if param.grad is not None:
            dist.all_reduce(param.grad, op=dist.ReduceOp.SUM)
