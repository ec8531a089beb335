"""The WeightedRandomSampler gets one weight per class instead of one per sample: it draws class ids, not row indices."""


def balanced_sampler(y, num_samples=None, *, class_weights=None, seed=None):
    y = _labels(y)
    if num_samples is None:
        num_samples = len(y)
    if num_samples < 1:
        raise ValueError("num_samples must be at least 1")
    if class_weights is None:
        _, counts = np.unique(y, return_counts=True)
        weights = 1.0 / counts.astype(np.float64)
    else:
        weights = np.asarray(class_weights, dtype=np.float64)
        if y.min() < 0 or y.max() >= len(weights):
            raise ValueError("labels must index class_weights")
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    return WeightedRandomSampler(torch.from_numpy(weights), num_samples, replacement=True, generator=generator)
