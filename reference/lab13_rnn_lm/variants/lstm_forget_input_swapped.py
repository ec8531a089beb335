"""LSTM gates read in the order f, i, g, o: the forget and input gates are swapped
relative to torch's i, f, g, o layout, so torch's weights drive the wrong gates."""


def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    z = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        z = z + bias_ih
    if bias_hh is not None:
        z = z + bias_hh
    z_f, z_i, z_g, z_o = z.chunk(4, dim=-1)
    c_next = torch.sigmoid(z_f) * c + torch.sigmoid(z_i) * torch.tanh(z_g)
    return torch.sigmoid(z_o) * torch.tanh(c_next), c_next
