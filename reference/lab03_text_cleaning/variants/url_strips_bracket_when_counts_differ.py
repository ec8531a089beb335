"""replace_urls strips a closing bracket whenever the counts of it and its partner differ.

A URL holding more opening than closing brackets ("https://a.io/f((x)")
loses its last ")" although it is not unbalanced on the closing side.
"""


def _strip_url_end(url):
    while url:
        last = url[-1]
        if last in URL_TRAILING_PUNCTUATION:
            url = url[:-1]
        elif last in URL_BRACKETS and url.count(last) != url.count(URL_BRACKETS[last]):
            url = url[:-1]
        else:
            break
    return url
