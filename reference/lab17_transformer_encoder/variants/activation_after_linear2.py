"""Applies the feed-forward activation after linear2 instead of between the
two linear maps: activation(linear2(linear1(x)))."""


def _ff_forward(self, x):
    return self._act(self.linear2(self.dropout(self.linear1(x))))


def _ff_block(self, x):
    return self.dropout2(self._act(self.linear2(self.dropout(self.linear1(x)))))


FeedForward.forward = _ff_forward
EncoderLayer._ff_block = _ff_block
