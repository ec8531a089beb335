"""make_reference copies the policy but leaves its parameters trainable (requires_grad stays True)."""


def make_reference(policy):
    return copy.deepcopy(policy).eval()
