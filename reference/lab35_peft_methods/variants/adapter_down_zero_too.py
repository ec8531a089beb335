"""Both projections start at zero: identity at init, but with relu no gradient ever reaches up or down."""


def _init(self, d_model, bottleneck, activation="relu"):
    nn.Module.__init__(self)
    _check_positive("d_model", d_model)
    _check_positive("bottleneck", bottleneck)
    if activation not in _ACTIVATION_MODULES:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    self.down = nn.Linear(d_model, bottleneck)
    self.act = _ACTIVATION_MODULES[activation]()
    self.up = nn.Linear(bottleneck, d_model)
    for p in self.parameters():
        nn.init.zeros_(p)


BottleneckAdapter.__init__ = _init
