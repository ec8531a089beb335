"""The activation argument is validated but relu is always used."""


def _init(self, d_model, bottleneck, activation="relu"):
    nn.Module.__init__(self)
    _check_positive("d_model", d_model)
    _check_positive("bottleneck", bottleneck)
    if activation not in _ACTIVATION_MODULES:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    self.down = nn.Linear(d_model, bottleneck)
    self.act = nn.ReLU()
    self.up = nn.Linear(bottleneck, d_model)
    nn.init.zeros_(self.up.weight)
    nn.init.zeros_(self.up.bias)


BottleneckAdapter.__init__ = _init
