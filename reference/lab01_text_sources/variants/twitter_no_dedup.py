"""Tweets that appear on two pages are collected twice."""


def collect_tweets(pages):
    documents, followed, token = [], set(), ""
    while True:
        if token not in pages:
            raise MalformedSourceError(f"no page for token {token!r}")
        followed.add(token)
        page = _page_object(pages[token])
        documents.extend(parse_tweets_page(page))
        token = (page.get("meta") or {}).get("next_token") or ""
        if not token:
            return documents
        if token in followed:
            raise MalformedSourceError("loop")
