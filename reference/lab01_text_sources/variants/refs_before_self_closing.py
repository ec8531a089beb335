"""Paired ``<ref>...</ref>`` are removed before the self-closing ``<ref/>``.

``<ref name="a"/> text <ref>b</ref>`` is then read as one reference from the
first tag to ``</ref>``, and the text between them disappears.
"""

_wikitext_to_text_reference = wikitext_to_text


def wikitext_to_text(wikitext):
    text = _COMMENT.sub("", wikitext)
    text = _REF.sub("", text)
    return _wikitext_to_text_reference(text)
