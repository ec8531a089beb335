"""average_gradients divides the summed gradients by 2, whatever the world size."""


def average_gradients(model):
    for param in model.parameters():
        if param.grad is not None:
            dist.all_reduce(param.grad, op=dist.ReduceOp.SUM)
            param.grad.div_(2)
