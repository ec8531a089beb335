"""EncoderLayer and Encoder default to dropout=0.0 instead of torch's 0.1."""

_reference_layer_init = EncoderLayer.__init__
_reference_encoder_init = Encoder.__init__


def _layer_init(self, d_model, num_heads, dim_feedforward=2048, dropout=0.0, *args, **kwargs):
    _reference_layer_init(self, d_model, num_heads, dim_feedforward, dropout, *args, **kwargs)


def _encoder_init(self, d_model, num_heads, num_layers, dim_feedforward=2048, dropout=0.0, *args, **kwargs):
    _reference_encoder_init(self, d_model, num_heads, num_layers, dim_feedforward, dropout, *args, **kwargs)


EncoderLayer.__init__ = _layer_init
Encoder.__init__ = _encoder_init
