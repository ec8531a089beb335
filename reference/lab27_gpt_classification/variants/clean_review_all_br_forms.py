"""clean_review also replaces '<br/>' and '<BR />' (a regex on any br tag), which the docstring says stay."""

import re as _re


def clean_review(text):
    return _re.sub(r"<br\s*/?>", " ", text, flags=_re.IGNORECASE).strip()
