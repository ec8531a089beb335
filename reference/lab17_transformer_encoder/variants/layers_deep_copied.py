"""Builds one EncoderLayer and deep-copies it num_layers times (as
nn.TransformerEncoder does): every layer starts with the same weights instead
of being initialised independently."""

import copy

_reference_encoder_init = Encoder.__init__


def _encoder_init(self, d_model, num_heads, num_layers, *args, **kwargs):
    _reference_encoder_init(self, d_model, num_heads, num_layers, *args, **kwargs)
    self.layers = nn.ModuleList(copy.deepcopy(self.layers[0]) for _ in range(num_layers))


Encoder.__init__ = _encoder_init
