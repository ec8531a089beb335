"""The 503 carries no Retry-After header."""

_error_orig = _error


def _error(status, message, type, param=None, code=None, headers=None):
    return _error_orig(status, message, type, param, code, None)
