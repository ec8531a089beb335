"""swiglu applies SiLU to the up projection instead of the gate projection."""


def swiglu(x, gate_weight, up_weight, down_weight):
    return ((x @ gate_weight.T) * silu(x @ up_weight.T)) @ down_weight.T
