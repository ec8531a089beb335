"""SGD adds the weight decay after the momentum buffer, not to the gradient before it."""

import math

import torch


def sgd_step(
    params: Sequence[torch.Tensor],
    grads: Sequence[torch.Tensor],
    state: dict,
    *,
    lr: float = 1e-3,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float = 0.0,
    nesterov: bool = False,
) -> tuple[list[torch.Tensor], dict]:
    if lr < 0 or momentum < 0 or dampening < 0 or weight_decay < 0:
        raise ValueError("lr, momentum, dampening and weight_decay must be >= 0")
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("Nesterov momentum requires a momentum and zero dampening")
    _check_lists(params, grads)
    buffers = state.get("momentum_buffer")
    new_params, new_buffers = [], []
    for i, (p, g) in enumerate(zip(params, grads)):
        d = g
        if momentum != 0:
            if buffers is None:
                buf = d.clone()
            else:
                buf = momentum * buffers[i] + (1 - dampening) * d
            new_buffers.append(buf)
            d = d + momentum * buf if nesterov else buf
        new_params.append(p - lr * (d + weight_decay * p))
    return new_params, ({"momentum_buffer": new_buffers} if momentum != 0 else {})
