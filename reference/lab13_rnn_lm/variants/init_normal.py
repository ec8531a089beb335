"""The recurrent layers initialise their parameters from a normal distribution
with standard deviation 1/sqrt(H) instead of torch's uniform in
[-1/sqrt(H), 1/sqrt(H)]: some weights start far outside the range."""

_reference_recurrent_init = _Recurrent.__init__


def _normal_init(self, input_size, hidden_size, bias=True):
    _reference_recurrent_init(self, input_size, hidden_size, bias)
    with torch.no_grad():
        for p in self.parameters():
            p.normal_(0.0, 1.0 / math.sqrt(hidden_size))


_Recurrent.__init__ = _normal_init
