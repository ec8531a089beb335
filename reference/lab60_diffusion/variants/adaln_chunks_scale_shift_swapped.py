"""The six adaLN chunks are read as scale, shift, gate (instead of shift, scale, gate)."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)


def _dit_forward(self, x, c):
    scale_msa, shift_msa, gate_msa, scale_mlp, shift_mlp, gate_mlp = self.adaLN_modulation(c).chunk(6, dim=-1)
    h = modulate(self.norm1(x), shift_msa, scale_msa)
    x = x + gate_msa.unsqueeze(1) * self.attn(h, h, h, need_weights=False)[0]
    return x + gate_mlp.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift_mlp, scale_mlp))


DiTBlock.forward = _dit_forward
