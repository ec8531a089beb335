"""clean_text replaces e-mail addresses before URLs, so an address inside a URL's
query string is replaced first and the URL is cut in two."""


def clean_text(text, *, html=False):
    if html:
        text = html_to_text(text)
    text = normalize_unicode(text)
    text = replace_urls(replace_emails(text))
    return normalize_whitespace(text)
