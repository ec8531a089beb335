"""The modules name their parameters ``gamma`` and ``beta`` (as in the papers)
instead of torch's ``weight`` and ``bias``, so torch state_dicts do not load."""


class LayerNorm(nn.Module):
    def __init__(self, normalized_shape, eps=LAYER_NORM_EPS, elementwise_affine=True, bias=True):
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self.gamma = nn.Parameter(torch.ones(self.normalized_shape)) if elementwise_affine else None
        self.beta = nn.Parameter(torch.zeros(self.normalized_shape)) if elementwise_affine and bias else None
        self.weight, self.bias = self.gamma, self.beta

    def forward(self, x):
        return layer_norm(x, self.normalized_shape, self.gamma, self.beta, self.eps)


class RMSNorm(nn.Module):
    def __init__(self, normalized_shape, eps=None, elementwise_affine=True):
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self.gamma = nn.Parameter(torch.ones(self.normalized_shape)) if elementwise_affine else None
        self.weight = self.gamma

    def forward(self, x):
        return rms_norm(x, self.normalized_shape, self.gamma, self.eps)
