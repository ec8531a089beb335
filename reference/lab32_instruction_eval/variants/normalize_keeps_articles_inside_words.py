"""normalize_answer removes the articles as substrings, not as whole words ("theatre" -> "atre")."""


def normalize_answer(text):
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(re.sub(r"(a|an|the)", " ", text).split())
