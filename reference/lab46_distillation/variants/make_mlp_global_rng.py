"""make_mlp seeds and draws from the global generator without fork_rng: the caller's random state is changed."""


def make_mlp(in_dim, hidden, n_classes, dropout=0.0, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, n_classes))
