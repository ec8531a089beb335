"""adapters[2i] is put after the MLP and adapters[2i+1] after attention (the documented order reversed)."""


def _init(self, base_model, bottleneck, activation="relu"):
    nn.Module.__init__(self)
    d_model = base_model.config.n_embd
    adapters = []
    for _ in base_model.transformer.h:
        adapters += [BottleneckAdapter(d_model, bottleneck, activation), BottleneckAdapter(d_model, bottleneck, activation)]
    self.base = base_model
    _freeze(self.base)
    self.adapters = nn.ModuleList(adapters)
    for i, block in enumerate(self.base.transformer.h):
        block.attn.c_proj.register_forward_hook(_apply_after(self.adapters[2 * i + 1]))
        block.mlp.c_proj.register_forward_hook(_apply_after(self.adapters[2 * i]))


AdapterModel.__init__ = _init
