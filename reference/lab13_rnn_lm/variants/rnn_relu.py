"""The Elman RNN uses ReLU instead of tanh as its non-linearity."""


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih
    if bias_hh is not None:
        pre = pre + bias_hh
    return torch.relu(pre)
