"""replace_urls leaves a candidate alone only when exactly "www.", "http://" or "https://" remains.

Stripping can eat the dot of "www." too ("www.," leaves "www"), and that
non-URL is then replaced by <URL>.
"""


def _replace_url(match):
    candidate = match.group()
    url = _strip_url_end(candidate)
    if url.lower() in ("www.", "http://", "https://"):
        return candidate
    return URL_PLACEHOLDER + candidate[len(url) :]
