"""MLP uses the exact (erf) GELU instead of GPT-2's tanh approximation (gelu_new)."""


def _mlp_forward(self, x):
    return self.c_proj(F.gelu(self.c_fc(x)))


MLP.forward = _mlp_forward
