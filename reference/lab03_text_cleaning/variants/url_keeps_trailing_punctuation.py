"""replace_urls replaces each URL_PATTERN match as it is: the sentence's final period,
a comma or a closing parenthesis after the URL vanish into the placeholder."""


def replace_urls(text):
    return re.sub(URL_PATTERN, URL_PLACEHOLDER, text)
