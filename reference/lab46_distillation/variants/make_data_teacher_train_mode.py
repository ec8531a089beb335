"""make_data labels with the teacher as it comes (in training mode, dropout active)."""


def make_data(teacher, n, in_dim, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, in_dim, generator=g)
    with torch.no_grad():
        probs = torch.softmax(teacher(x), dim=-1)
    y = torch.multinomial(probs, 1, generator=g).squeeze(1)
    return x, y
