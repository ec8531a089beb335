"""The cells add the biases only when both are given (``if bias_ih is not None
and bias_hh is not None``), so a call with a single bias ignores it."""


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None and bias_hh is not None:
        pre = pre + bias_ih + bias_hh
    return torch.tanh(pre)


def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    z = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None and bias_hh is not None:
        z = z + bias_ih + bias_hh
    z_i, z_f, z_g, z_o = z.chunk(4, dim=-1)
    c_next = torch.sigmoid(z_f) * c + torch.sigmoid(z_i) * torch.tanh(z_g)
    return torch.sigmoid(z_o) * torch.tanh(c_next), c_next
