"""PCA without centring: the SVD of the raw matrix, whose first direction
points at the data's mean instead of along its largest spread."""


def pca_2d(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 2:
        raise ValueError("X must be 2-D with at least two rows and two columns")
    _, _, vt = np.linalg.svd(X, full_matrices=False)
    return X @ vt[:2].T
