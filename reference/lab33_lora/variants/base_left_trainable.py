"""Nothing is frozen: the LoRA layer keeps its base trainable and mark_only_lora_trainable only turns A and B on."""


def _setup(self, base, r, alpha, dropout, use_rslora):
    self.scaling = lora_scaling(r, alpha, use_rslora)
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
    self.base = base
    self.in_features, self.out_features = base.in_features, base.out_features
    self.r, self.alpha = r, alpha
    self.dropout = nn.Dropout(dropout)
    weight = base.weight
    self.lora_A = nn.Parameter(torch.empty(r, self.in_features, dtype=weight.dtype, device=weight.device))
    self.lora_B = nn.Parameter(torch.empty(self.out_features, r, dtype=weight.dtype, device=weight.device))
    self.merged = False
    self.reset_lora_parameters()


LoRALinear._setup = _setup


def mark_only_lora_trainable(model):
    for _, layer in _lora_layers(model):
        layer.lora_A.requires_grad_(True)
        layer.lora_B.requires_grad_(True)
    return count_parameters(model)[0]
