"""Creates the final LayerNorm of the stack but never applies it."""


def _encoder_forward(self, src, mask=None, src_key_padding_mask=None):
    x = src
    for layer in self.layers:
        x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask)
    return x


Encoder.forward = _encoder_forward
