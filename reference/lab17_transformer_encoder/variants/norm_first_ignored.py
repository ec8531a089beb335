"""Stores norm_first but always computes the post-norm layer."""


def _layer_forward(self, src, src_mask=None, src_key_padding_mask=None):
    x = self.norm1(src + self._sa_block(src, src_mask, src_key_padding_mask))
    return self.norm2(x + self._ff_block(x))


EncoderLayer.forward = _layer_forward
