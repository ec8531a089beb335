"""In the pre-norm layer, adds the residual to the normalised input,
h = norm(x); x = h + sublayer(h), so the residual stream is normalised
after all (the post-norm layer is right)."""


def _layer_forward(self, src, src_mask=None, src_key_padding_mask=None):
    x = src
    if self.norm_first:
        h = self.norm1(x)
        x = h + self._sa_block(h, src_mask, src_key_padding_mask)
        h = self.norm2(x)
        x = h + self._ff_block(h)
    else:
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask))
        x = self.norm2(x + self._ff_block(x))
    return x


EncoderLayer.forward = _layer_forward
