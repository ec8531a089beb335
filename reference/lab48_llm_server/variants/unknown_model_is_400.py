"""An unknown model answered with 400 instead of 404."""

_refusal_orig = _refusal


def _refusal(model, req):
    refused = _refusal_orig(model, req)
    if refused is not None and refused.status_code == 404:
        refused.status_code = 400
    return refused
