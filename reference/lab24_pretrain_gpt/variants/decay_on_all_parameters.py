"""Weight decay on every parameter, biases and LayerNorm weights included (one parameter group)."""


def configure_optimizer(model, *, lr, weight_decay, betas=(0.9, 0.95), eps=1e-8):
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.AdamW(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
