"""parse_tweets_page decodes a page given as str but not one given as bytes (the docstring allows both)."""


def _page_object(page):
    if isinstance(page, str):
        try:
            page = json.loads(page)
        except ValueError as exc:
            raise MalformedSourceError(f"the page is not valid JSON: {exc}") from exc
    if not isinstance(page, Mapping):
        raise MalformedSourceError("a response page must be a JSON object")
    return page
