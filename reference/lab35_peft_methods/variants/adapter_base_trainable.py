"""AdapterModel adds the adapters but never freezes the base model."""


def _init(self, base_model, bottleneck, activation="relu"):
    nn.Module.__init__(self)
    d_model = base_model.config.n_embd
    adapters = []
    for _ in base_model.transformer.h:
        adapters += [BottleneckAdapter(d_model, bottleneck, activation), BottleneckAdapter(d_model, bottleneck, activation)]
    self.base = base_model
    self.adapters = nn.ModuleList(adapters)
    for i, block in enumerate(self.base.transformer.h):
        block.attn.c_proj.register_forward_hook(_apply_after(self.adapters[2 * i]))
        block.mlp.c_proj.register_forward_hook(_apply_after(self.adapters[2 * i + 1]))


AdapterModel.__init__ = _init
