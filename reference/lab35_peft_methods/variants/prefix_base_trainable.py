"""PrefixTuningModel never freezes the base model."""

_solution_prefix_init = PrefixTuningModel.__init__


def _init(self, base_model, num_virtual_tokens):
    _solution_prefix_init(self, base_model, num_virtual_tokens)
    for p in self.base.parameters():
        p.requires_grad_(True)


PrefixTuningModel.__init__ = _init
