"""The adapter forgets its residual connection: up(f(down(x))) instead of x + up(f(down(x)))."""


def _forward(self, x):
    return self.up(self.act(self.down(x)))


BottleneckAdapter.forward = _forward
