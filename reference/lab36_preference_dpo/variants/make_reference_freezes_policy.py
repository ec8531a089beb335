"""make_reference freezes and switches to eval mode the policy itself before copying it."""


def make_reference(policy):
    policy.requires_grad_(False)
    policy.eval()
    return copy.deepcopy(policy)
