"""The STE mask tests the unrounded value x / scale + zero_point against [qmin, qmax], not the rounded code."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


class _FakeQuantize(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, zero_point, qmin, qmax):
        codes = _codes(x, scale, zero_point)
        raw = x.float() * (1.0 / scale.float()) + zero_point
        ctx.save_for_backward((raw >= qmin) & (raw <= qmax))
        return ((torch.clamp(codes, qmin, qmax) - zero_point) * scale).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (inside,) = ctx.saved_tensors
        return grad * inside, None, None, None, None
