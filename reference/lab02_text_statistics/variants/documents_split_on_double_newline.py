"""split_documents splits on the literal "\\n\\n": whitespace-only lines and "\\r\\n" are not blank lines."""


def split_documents(text):
    return [doc.strip("\n") for doc in text.split("\n\n") if doc.strip()]
