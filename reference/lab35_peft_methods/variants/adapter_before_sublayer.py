"""The adapters transform the sublayers' INPUTS (the ln_1 / ln_2 outputs) instead of their outputs."""


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
        block.ln_1.register_forward_hook(_apply_after(self.adapters[2 * i]))
        block.ln_2.register_forward_hook(_apply_after(self.adapters[2 * i + 1]))


AdapterModel.__init__ = _init
