"""Without any block the whole text is returned, prose included: it is never checked with ast.parse."""

_extract_code = extract_code


def extract_code(text):
    if not find_code_blocks(text) and text.strip():
        return text
    return _extract_code(text)
