"""Calls F.dropout with its default training=True in the layer's residual
branches, so dropout stays active after eval()."""


def _sa_block(self, x, attn_mask, key_padding_mask):
    out = self.self_attn(x, attn_mask=attn_mask, key_padding_mask=key_padding_mask)
    return F.dropout(out, self.dropout1.p)


def _ff_block(self, x):
    hidden = F.dropout(self._act(self.linear1(x)), self.dropout.p)
    return F.dropout(self.linear2(hidden), self.dropout2.p)


EncoderLayer._sa_block = _sa_block
EncoderLayer._ff_block = _ff_block
