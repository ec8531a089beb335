"""extract_code takes the FIRST python block, though a model that corrects itself puts its answer in the last."""


def extract_code(text):
    blocks = find_code_blocks(text)
    python = [code for language, code in blocks if language in PYTHON_TAGS]
    if python:
        return python[0]
    untagged = [code for language, code in blocks if language == ""]
    if untagged:
        return untagged[-1]
    if blocks or not text.strip():
        return None
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    return text
