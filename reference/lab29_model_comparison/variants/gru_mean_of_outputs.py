"""The gru classifier averages the GRU's outputs over positions instead of using its final hidden state."""


def _gru_forward(self, x):
    outputs, _ = self.gru(self.embedding(x))
    return self.out(outputs.mean(dim=1))


_GRU.forward = _gru_forward
