"""replace_urls strips every trailing closing bracket, balanced or not, so the ')' of
"https://en.wikipedia.org/wiki/Set_(mathematics)" is left outside the placeholder."""


def _strip_url_end(url):
    while url and (url[-1] in URL_TRAILING_PUNCTUATION or url[-1] in URL_BRACKETS):
        url = url[:-1]
    return url
