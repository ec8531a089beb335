"""make_reference makes a shallow copy: the "reference" shares the policy's parameters, so it moves when the policy trains."""


def make_reference(policy):
    reference = copy.copy(policy)
    reference._modules = dict(policy._modules)
    reference.training = False
    return reference
