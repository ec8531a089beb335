"""QATLinear keeps updating its input range in eval mode."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def _forward(self, x):
    if self.quantize_input:
        lo, hi = torch.aminmax(x.detach().float())
        self.input_min = torch.minimum(self.input_min, lo)
        self.input_max = torch.maximum(self.input_max, hi)
        scale, zero_point = self.input_qparams()
        x = fake_quantize(x, scale, zero_point, "uint8")
    w_scale, w_zero = minmax_qparams(self.weight.detach(), "int8", symmetric=True, axis=0)
    w = fake_quantize(self.weight, w_scale, w_zero, "int8", axis=0)
    return torch.nn.functional.linear(x, w, self.bias)


QATLinear.forward = _forward
