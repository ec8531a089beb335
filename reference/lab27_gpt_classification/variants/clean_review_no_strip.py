"""clean_review replaces '<br />' but does not strip the ends."""


def clean_review(text):
    return text.replace("<br />", " ")
