"""The straight-through estimator passes the gradient everywhere, also where the code was clamped."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


class _FakeQuantize(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, zero_point, qmin, qmax):
        codes = _codes(x, scale, zero_point)
        return ((torch.clamp(codes, qmin, qmax) - zero_point) * scale).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, None, None, None, None
