"""split_documents splits lines on "\\n" (after turning "\\r\\n" into "\\n") instead of str.splitlines().

A lone "\\r", "\\u2028" or form feed is not a line break for it, so documents
separated that way run together.
"""


def split_documents(text):
    documents, current = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            documents.append("\n".join(current))
            current = []
    if current:
        documents.append("\n".join(current))
    return documents
