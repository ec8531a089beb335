"""QATLinear fake-quantizes its weight per tensor instead of per output channel."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def _forward(self, x):
    if self.quantize_input:
        if self.training:
            lo, hi = torch.aminmax(x.detach().float())
            self.input_min = torch.minimum(self.input_min, lo)
            self.input_max = torch.maximum(self.input_max, hi)
        scale, zero_point = self.input_qparams()
        x = fake_quantize(x, scale, zero_point, "uint8")
    w_scale, w_zero = minmax_qparams(self.weight.detach(), "int8", symmetric=True)
    w = fake_quantize(self.weight, w_scale, w_zero, "int8")
    return torch.nn.functional.linear(x, w, self.bias)


QATLinear.forward = _forward
