"""Without a python block, the last block of ANY language is run (a shell command, a program's output...)."""


def extract_code(text):
    blocks = find_code_blocks(text)
    python = [code for language, code in blocks if language in PYTHON_TAGS]
    if python:
        return python[-1]
    if blocks:
        return blocks[-1][1]
    if not text.strip():
        return None
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    return text
